package io.clipline.worker.internal;

import io.clipline.imaging.DecodedFrame;
import io.clipline.schemas.CameraFrame;
import io.clipline.schemas.FrameEncoding;
import io.clipline.schemas.Verdict;
import io.clipline.schemas.serde.AvroSerde;
import io.clipline.worker.FrameResult;
import io.clipline.worker.FrameScorer;
import io.clipline.worker.InferredBatch;
import io.clipline.worker.ScorableFrame;
import io.clipline.worker.ScoredBatch;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Polled frames without a broker, and a scorer that records what each stage was handed. */
final class TestBatches {
  static final String TOPIC = "frames";
  private static final AvroSerde<CameraFrame> SERDE = AvroSerde.of(CameraFrame.class);

  private TestBatches() {}

  /** A frame polled from partition 0 at {@code offset}, already decoded (2×2 gray). */
  static PolledFrame polled(String frameId, long offset) {
    return polled(frameId, 0, offset);
  }

  /** A 2×2 frame's record in {@code encoding}. */
  static CameraFrame meta(String frameId, FrameEncoding encoding) {
    return meta(frameId, 0, encoding);
  }

  private static CameraFrame meta(String frameId, long sequence, FrameEncoding encoding) {
    return CameraFrame.newBuilder()
        .setFrameId(frameId).setCameraId("line-1/station-1/cam-0").setLineId("line-1")
        .setStationId("station-1").setSequence(sequence).setCaptureTime(Instant.now())
        .setProduct("tile").setEncoding(encoding).setWidth(2).setHeight(2)
        .setImage(ByteBuffer.wrap(new byte[4])).setAttributes(Map.of()).build();
  }

  static PolledFrame polled(String frameId, int partition, long offset) {
    CameraFrame meta = meta(frameId, offset, FrameEncoding.GRAY8);
    ScorableFrame frame = new ScorableFrame(frameId, meta.getCameraId(), meta.getProduct(),
        new DecodedFrame(2, 2, 1, new byte[4]));
    ConsumerRecord<byte[], byte[]> record =
        new ConsumerRecord<>(TOPIC, partition, offset, new byte[] {1}, SERDE.encode(meta));
    return new PolledFrame(record,
        CompletableFuture.completedFuture(new FrameIntake.Prepared(meta, frame, 0f, 0f)),
        System.nanoTime(), System.currentTimeMillis());
  }

  /**
   * A two-stage scorer that fails the model stage of batches larger than {@code failAbove} and
   * the scoring stage of any batch holding a frame named {@code poison-*}. It records every
   * batch its model stage returned and every batch its scoring stage was handed, by identity;
   * its model output is nothing ({@code Void}).
   */
  static final class RecordingScorer implements FrameScorer<Void> {
    final int failAbove;
    final List<InferredBatch<Void>> inferred = Collections.synchronizedList(new ArrayList<>());
    final List<InferredBatch<Void>> scored = Collections.synchronizedList(new ArrayList<>());
    final List<String> inferThreads = Collections.synchronizedList(new ArrayList<>());

    RecordingScorer(int failAbove) {
      this.failAbove = failAbove;
    }

    @Override
    public ScoredBatch score(List<ScorableFrame> frames) {
      return score(infer(frames));
    }

    @Override
    public InferredBatch<Void> infer(List<ScorableFrame> frames) {
      inferThreads.add(Thread.currentThread().getName());
      if (frames.size() > failAbove) {
        throw new IllegalStateException("simulated out of memory at " + frames.size());
      }
      InferredBatch<Void> batch = new InferredBatch<>(frames, null, 1_000);
      inferred.add(batch);
      return batch;
    }

    @Override
    public ScoredBatch score(InferredBatch<Void> batch) {
      scored.add(batch);
      List<FrameResult> results = new ArrayList<>();
      for (ScorableFrame frame : batch.frames()) {
        if (frame.frameId().startsWith("poison")) {
          throw new IllegalStateException("simulated scoring failure on " + frame.frameId());
        }
        results.add(new FrameResult(Verdict.OK, 0.1f, 0.1f, 0.5f, 0.8f, "test", null, 0.1f,
            frame.cameraId(), false, 0, null, List.of()));
      }
      return new ScoredBatch(results, batch.inferenceNanos(), 10);
    }

    /** The first frame id of each batch, as "id/size". */
    static List<String> names(List<InferredBatch<Void>> batches) {
      List<String> names = new ArrayList<>();
      synchronized (batches) {
        batches.forEach(b -> names.add(b.frames().get(0).frameId() + "/" + b.frames().size()));
      }
      return names;
    }

    @Override
    public String modelVersion() {
      return "recording";
    }

    @Override
    public String scorerVersion() {
      return "test";
    }

    @Override
    public String executionProvider() {
      return "CPU";
    }
  }
}
