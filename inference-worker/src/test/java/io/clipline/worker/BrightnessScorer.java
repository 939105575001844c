package io.clipline.worker;

import java.util.ArrayList;
import java.util.List;

/**
 * A test scorer for the Kafka loop: NG when a frame's mean brightness is above 200, else OK.
 * It stands in for model and scoring engine, which have their own tests; it is not a product
 * scorer. It can be told to fail every batch larger than a size, to exercise the fallback.
 */
final class BrightnessScorer implements FrameScorer {
  private final int failAbove;
  final List<Integer> batchSizes = new ArrayList<>();

  BrightnessScorer() {
    this(Integer.MAX_VALUE);
  }

  BrightnessScorer(int failAbove) {
    this.failAbove = failAbove;
  }

  @Override
  public synchronized ScoredBatch score(List<ScorableFrame> frames) {
    batchSizes.add(frames.size());
    if (frames.size() > failAbove) {
      throw new IllegalStateException("simulated out of memory at batch size " + frames.size());
    }
    List<FrameResult> results = new ArrayList<>();
    for (ScorableFrame frame : frames) {
      if (frame.frameId().startsWith("poison")) {
        throw new IllegalStateException("simulated model failure on " + frame.frameId());
      }
      byte[] pixels = frame.image().pixels();
      long sum = 0;
      for (byte b : pixels) {
        sum += b & 0xFF;
      }
      float mean = sum / (float) pixels.length / 255f;
      results.add(new FrameResult(mean > 200 / 255f ? "NG" : "OK", mean, mean, 0.5f, 200 / 255f,
          "test", null, mean, frame.cameraId(), false, 0,
          new FrameResult.AnomalyGrid(1, 2, new float[] {0f, mean}), List.of()));
    }
    return new ScoredBatch(results, 1_000, 1_000);
  }

  @Override
  public String modelVersion() {
    return "brightness-test";
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
