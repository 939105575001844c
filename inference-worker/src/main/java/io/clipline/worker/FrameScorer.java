package io.clipline.worker;

import java.util.List;

/**
 * Scores a micro-batch of decoded frames: the one boundary between the Kafka loop and the
 * model and scoring engine.
 *
 * <p>Called from a single thread, one batch at a time, in the order frames arrived per camera.
 * Implementations may keep per-scope state between calls. A failure of the whole batch (for
 * example the model running out of memory) is reported by throwing; the worker then retries
 * at half the batch size and finally frame by frame, dead-lettering frames that still fail.
 */
public interface FrameScorer extends AutoCloseable {

  /**
   * Scores {@code frames}; the result has one entry per input, in input order.
   *
   * @throws RuntimeException when the batch as a whole cannot be scored
   */
  ScoredBatch score(List<ScorableFrame> frames);

  /** Model name and version, written into every verdict. */
  String modelVersion();

  /** Scoring engine version, written into every verdict. */
  String scorerVersion();

  /** The execution provider inference runs on ({@code CUDA}, {@code CPU}, ...). */
  String executionProvider();

  @Override
  default void close() {}
}
