package io.clipline.pipeline;

import io.clipline.schemas.DefectEvent;
import io.clipline.schemas.FrameRef;
import io.clipline.schemas.FrameVerdict;
import io.clipline.schemas.BoundingBox;
import io.clipline.schemas.StageLatencies;
import io.clipline.schemas.Verdict;
import java.time.Instant;

/** Verdicts, defect events and the line topology the pipeline tests share. */
public final class TestRecords {
  /**
   * Line L1: station S1 (gate G1, 5 s to the gate) with three item-view cameras; line L2 rejects
   * on doubt and has one camera at S1 (gate G9, 5 s); camera L1/S1/C1 expects a frame a second.
   */
  public static final String TOPOLOGY_JSON = """
      {"lines": [
        {"lineId": "L1", "stations": [
          {"stationId": "S1", "gateId": "G1", "travelTimeMs": 5000, "cameras": [
            {"cameraId": "L1/S1/C1", "expectedIntervalMs": 1000},
            {"cameraId": "L1/S1/C2", "expectedIntervalMs": 1000},
            {"cameraId": "L1/S1/C3", "expectedIntervalMs": 1000}]}]},
        {"lineId": "L2", "rejectOnUnsure": true, "stations": [
          {"stationId": "S1", "gateId": "G9", "travelTimeMs": 5000, "cameras": [
            {"cameraId": "L2/S1/C1", "expectedIntervalMs": 1000}]}]}
      ]}
      """;

  public static final LineLayout TOPOLOGY = LineLayoutLoader.parse(TOPOLOGY_JSON);

  private TestRecords() {}

  public static FrameVerdict verdict(String cameraId, String itemId, long sequence, long captureMs,
      Verdict verdict) {
    return verdict(cameraId, itemId, sequence, captureMs, verdict, null, 0.1f);
  }

  public static FrameVerdict verdict(String cameraId, String itemId, long sequence, long captureMs,
      Verdict verdict, String defectType, float score) {
    String[] parts = cameraId.split("/");
    return FrameVerdict.newBuilder()
        .setFrameId(cameraId + "#" + sequence)
        .setCameraId(cameraId)
        .setLineId(parts[0])
        .setStationId(parts[1])
        .setItemId(itemId)
        .setSequence(sequence)
        .setCaptureTime(Instant.ofEpochMilli(captureMs))
        .setProduct("P1")
        .setVerdict(verdict)
        .setImageScore(score)
        .setTopDefectType(defectType)
        .setTopDefectConfidence(defectType == null ? null : 0.9f)
        .setModelVersion("texture-1")
        .setThresholdVersion("cal-7")
        .setLatencies(new StageLatencies(1f, 0f, 1f, 1f, 5f, 1f))
        .setVerdictTime(Instant.ofEpochMilli(captureMs + 40))
        .build();
  }

  public static DefectEvent defect(String cameraId, long sequence, long captureMs, String type) {
    String[] parts = cameraId.split("/");
    return DefectEvent.newBuilder()
        .setFrame(FrameRef.newBuilder().setFrameId(cameraId + "#" + sequence).setCameraId(cameraId)
            .setLineId(parts[0]).setStationId(parts[1]).setSequence(sequence)
            .setCaptureTime(Instant.ofEpochMilli(captureMs)).build())
        .setBbox(new BoundingBox(1, 1, 4, 4))
        .setDefectType(type)
        .setDetectedTime(Instant.ofEpochMilli(captureMs + 40))
        .build();
  }
}
