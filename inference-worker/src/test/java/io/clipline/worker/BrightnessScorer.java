package io.clipline.worker;

import io.clipline.schemas.OperatorLabel;
import io.clipline.schemas.Verdict;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A test scorer for the Kafka loop: NG when a frame's mean brightness is above 200, else OK. It
 * stands in for model and scoring engine, which have their own tests; it is not a product scorer.
 * Like the real scorer it has two stages: {@link #infer} measures the brightness (the "model"),
 * {@link #score(InferredBatch)} judges it; both record the thread and batch they ran on, and the
 * thread each frame was prepared on. It can be told to fail every batch larger than a size in the
 * model stage, and fails any batch holding a frame named {@code poison-*}, to exercise the
 * fallback. It records the labels it is handed with the thread they came on, and does nothing else
 * with them.
 */
final class BrightnessScorer implements FrameScorer<float[]> {
  private final int failAbove;
  final List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());
  /** "thread:frameId" per call of the per-frame preparation. */
  final List<String> prepareCalls = Collections.synchronizedList(new ArrayList<>());
  /** "thread:firstFrameId" per call of each stage, in call order. */
  final List<String> inferCalls = Collections.synchronizedList(new ArrayList<>());
  final List<String> scoreCalls = Collections.synchronizedList(new ArrayList<>());
  /** "thread:labelId" per applied label, in call order. */
  final List<String> labelCalls = Collections.synchronizedList(new ArrayList<>());

  BrightnessScorer() {
    this(Integer.MAX_VALUE);
  }

  BrightnessScorer(int failAbove) {
    this.failAbove = failAbove;
  }

  @Override
  public ScoredBatch score(List<ScorableFrame> frames) {
    return score(infer(frames));
  }

  @Override
  public ScorableFrame prepare(ScorableFrame frame) {
    prepareCalls.add(Thread.currentThread().getName() + ":" + frame.frameId());
    return frame;
  }

  @Override
  public InferredBatch<float[]> infer(List<ScorableFrame> frames) {
    inferCalls.add(Thread.currentThread().getName() + ":" + frames.get(0).frameId());
    batchSizes.add(frames.size());
    if (frames.size() > failAbove) {
      throw new IllegalStateException("simulated out of memory at batch size " + frames.size());
    }
    float[] means = new float[frames.size()];
    for (int i = 0; i < means.length; i++) {
      byte[] pixels = frames.get(i).pixels().pixels();
      long sum = 0;
      for (byte b : pixels) {
        sum += b & 0xFF;
      }
      means[i] = sum / (float) pixels.length / 255f;
    }
    return new InferredBatch<>(frames, means, 1_000);
  }

  @Override
  public ScoredBatch score(InferredBatch<float[]> batch) {
    List<ScorableFrame> frames = batch.frames();
    scoreCalls.add(Thread.currentThread().getName() + ":" + frames.get(0).frameId());
    float[] means = batch.modelOutput();
    List<FrameResult> results = new ArrayList<>();
    for (int i = 0; i < frames.size(); i++) {
      ScorableFrame frame = frames.get(i);
      if (frame.frameId().startsWith("poison")) {
        throw new IllegalStateException("simulated scoring failure on " + frame.frameId());
      }
      float mean = means[i];
      results.add(new FrameResult(mean > 200 / 255f ? Verdict.NG : Verdict.OK, mean, mean, 0.5f, 200 / 255f,
          "test", null, mean, frame.cameraId(), false, 0,
          new FrameResult.AnomalyGrid(1, 2, new float[] {0f, mean}), List.of()));
    }
    return new ScoredBatch(results, batch.inferenceNanos(), 1_000);
  }

  @Override
  public void applyLabel(OperatorLabel label) {
    labelCalls.add(Thread.currentThread().getName() + ":" + label.getLabelId());
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
