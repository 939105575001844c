package io.clipline.worker;

import io.clipline.schemas.OperatorLabel;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Scores a micro-batch of decoded frames: the one boundary between the Kafka loop and the
 * model and scoring engine.
 *
 * <p>Scoring has two stages (after an optional per-frame {@link #prepare} on the decode threads) so
 * that the model can work on the next batch while the scoring engine judges the current one:
 * {@link #infer} runs the model, {@link #score(InferredBatch)} turns its output into verdicts.
 * The worker calls {@code infer} on its model thread, one batch at a time, and {@code score} on
 * its scoring thread, one batch at a time in the order the batches were inferred; the two may run
 * at the same time on different batches, so whatever they share must be thread-safe.
 * Implementations may keep per-scope state in the scoring stage. A batch's model output may be
 * discarded without being scored and the batch inferred again (the worker does so for a
 * prefetched batch after a fallback), so {@code infer} must have no side effects on scoring
 * state. A scorer without a separate model stage implements only {@link #score(List)}.
 *
 * <p>A scorer that keeps per-scope state can hand it to the worker ({@link #snapshotScopes}),
 * which publishes it to the scorer-state topic, and take it back ({@link #restoreScope}) on
 * another worker or after a restart, so that a scope resumes warm. The worker calls both, and
 * {@link #scopeOf}, on its scoring thread, never concurrently with {@link #score(InferredBatch)}.
 *
 * <p>A failure of the whole batch (for example the model running out of memory) is reported by
 * throwing; the worker then retries at half the batch size and finally frame by frame,
 * dead-lettering frames that still fail.
 *
 * @param <O> what the model stage hands to the scoring stage ({@link InferredBatch#modelOutput}),
 *     so that the scoring stage reads it without a cast
 */
public interface FrameScorer<O> extends AutoCloseable {

  /**
   * Both stages at once: scores {@code frames}; the result has one entry per input, in input
   * order.
   *
   * @throws RuntimeException when the batch as a whole cannot be scored
   */
  ScoredBatch score(List<ScorableFrame> frames);

  /**
   * Stage zero, per frame, on the worker's decode threads as soon as a frame is decoded: the
   * part of the model's preprocessing that needs no batch (for an image tower, the resize,
   * which reads every pixel of a multi-megapixel frame), so that the model thread only copies.
   * A scorer that prepares returns {@link ScorableFrame#withPrepared}, which releases the decoded
   * pixels, so it must not read them in its later stages. By default the frame itself. Called concurrently for different frames, so it must be
   * thread-safe, and like {@link #infer} it must leave scoring state alone; {@link #infer} must
   * also accept frames that did not pass through it.
   *
   * @throws RuntimeException when the frame cannot be prepared; the worker dead-letters it
   */
  default ScorableFrame prepare(ScorableFrame frame) {
    return frame;
  }

  /**
   * Stage one, the model: by default nothing, leaving all work to {@link #score(InferredBatch)}.
   *
   * @throws RuntimeException when the model fails on the batch as a whole
   */
  default InferredBatch<O> infer(List<ScorableFrame> frames) {
    return new InferredBatch<>(frames, null, 0L);
  }

  /**
   * Stage two, the judgement of a batch {@link #infer} returned; by default {@link
   * #score(List)} on its frames.
   *
   * @throws RuntimeException when the batch as a whole cannot be scored
   */
  default ScoredBatch score(InferredBatch<O> batch) {
    return score(batch.frames());
  }

  /**
   * Applies an operator's label of an earlier frame to what the scorer has learned; by default
   * nothing. Called on the scoring thread between batches, never concurrently with {@link
   * #score(InferredBatch)}, at most once per {@code labelId} in the worker's recent memory.
   * Labels the scorer cannot use are skipped, not thrown on; a throw is logged and the label
   * dropped.
   */
  default void applyLabel(OperatorLabel label) {}

  /**
   * The scope {@link #score(InferredBatch)} scores {@code frame} in, as in {@link
   * FrameResult#scope()}; by default the frame's camera.
   */
  default String scopeOf(ScorableFrame frame) {
    return frame.cameraId();
  }

  /**
   * The state of those of {@code scopes} the scorer holds, each as bytes {@link #restoreScope}
   * takes back; by default none. Scopes without state are left out.
   */
  default Map<String, byte[]> snapshotScopes(Collection<String> scopes) {
    return Map.of();
  }

  /**
   * Replaces the state of {@code scope} by one {@link #snapshotScopes} returned, made by a
   * scorer of the same {@link #modelVersion} and {@link #scorerVersion}; by default nothing.
   *
   * @throws RuntimeException when {@code state} cannot be read; the scope then starts cold
   */
  default void restoreScope(String scope, byte[] state) {}

  /** Model name and version, written into every verdict. */
  String modelVersion();

  /** Scoring engine version, written into every verdict. */
  String scorerVersion();

  /** The execution provider inference runs on ({@code CUDA}, {@code CPU}, ...). */
  String executionProvider();

  @Override
  default void close() {}
}
