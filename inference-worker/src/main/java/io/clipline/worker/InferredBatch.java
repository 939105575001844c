package io.clipline.worker;

import java.util.List;
import java.util.Objects;

/**
 * A batch after the model stage of a {@link FrameScorer}: the frames, what the model made of
 * them (read only by the scorer that produced it) and the time it took.
 *
 * @param <O> the scorer's model output, e.g. the encoded features of the batch
 * @param frames the frames, in input order
 * @param modelOutput what {@link FrameScorer#infer} made of them; null for a scorer without a
 *     model stage
 * @param inferenceNanos the time the model stage took for the batch
 */
public record InferredBatch<O>(List<ScorableFrame> frames, O modelOutput, long inferenceNanos) {
  public InferredBatch {
    frames = List.copyOf(Objects.requireNonNull(frames, "frames"));
  }
}
