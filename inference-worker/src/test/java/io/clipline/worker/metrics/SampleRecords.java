package io.clipline.worker.metrics;

import io.clipline.schemas.DeadLetter;
import io.clipline.schemas.FrameVerdict;
import io.clipline.schemas.StageLatencies;
import io.clipline.schemas.Verdict;
import io.clipline.schemas.serde.TrustedRecords;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Verdicts and dead letters as the worker commits them, with the fields metrics read. */
final class SampleRecords {
  static final Instant VERDICT_TIME = Instant.parse("2026-01-01T08:00:00.250Z");

  static {
    // Builders resolve defaults through Avro, which only instantiates trusted classes.
    TrustedRecords.install();
  }

  private SampleRecords() {}

  /** A verdict 250 ms after capture, with every stage measured except the claim-check fetch. */
  static FrameVerdict verdict(String cameraId, Verdict verdict, String defectType, String provider) {
    return verdict(cameraId, verdict, defectType, provider,
        new StageLatencies(40f, 0f, 12f, 15f, 30f, 3f));
  }

  static FrameVerdict verdict(String cameraId, Verdict verdict, String defectType, String provider,
      StageLatencies latencies) {
    String[] parts = cameraId.split("/");
    return FrameVerdict.newBuilder()
        .setFrameId(UUID.randomUUID().toString())
        .setCameraId(cameraId)
        .setLineId(parts[0])
        .setStationId(parts.length > 1 ? parts[1] : "")
        .setSequence(1)
        .setCaptureTime(VERDICT_TIME.minusMillis(250))
        .setVerdict(verdict)
        .setTopDefectType(defectType)
        .setTopDefectConfidence(defectType == null ? null : 0.8f)
        .setLatencies(latencies)
        .setExecutionProvider(provider)
        .setWorkerId("worker-1")
        .setVerdictTime(VERDICT_TIME)
        .build();
  }

  static DeadLetter deadLetter(String cameraId, String reasonCode) {
    return DeadLetter.newBuilder()
        .setOriginalTopic("clipline.frames.v1")
        .setHeaders(List.of())
        .setReasonCode(reasonCode)
        .setReason("test")
        .setCameraId(cameraId)
        .setTime(VERDICT_TIME)
        .build();
  }
}
