package io.clipline.worker;

import java.util.List;
import java.util.Objects;

/**
 * A batch after the model stage of a {@link FrameScorer}: the frames, what the model made of
 * them (opaque to the worker, read only by the scorer that produced it) and the time it took.
 */
public record InferredBatch(List<ScorableFrame> frames, Object modelOutput, long inferenceNanos) {
  public InferredBatch {
    frames = List.copyOf(Objects.requireNonNull(frames, "frames"));
  }
}
