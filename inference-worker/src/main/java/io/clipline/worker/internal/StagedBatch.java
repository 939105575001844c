package io.clipline.worker.internal;

import io.clipline.worker.InferredBatch;
import io.clipline.worker.ScorableFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A batch after the {@link ModelStage}: its frames split into those that decoded ({@link Ready})
 * and those intake refused ({@link Refused}), and what the model made of the ready ones: either
 * {@code inferred} or the {@code modelFailure} it threw, never both; neither when no frame is
 * ready.
 *
 * @param <O> the scorer's model output, as {@link InferredBatch} carries it
 * @param batch every frame taken into the batch, in poll order (what its offsets commit)
 * @param ready the frames that decoded, in poll order
 * @param refused the frames intake refused, in poll order
 * @param inferred the model stage's output for {@code ready}; {@code null} when it failed or
 *     nothing was ready
 * @param modelFailure what the model stage threw; {@code null} when it did not
 * @param stagedNanos {@link System#nanoTime()} when the decodes were done and the model started
 */
public record StagedBatch<O>(
    List<PolledFrame> batch,
    List<Ready> ready,
    List<Refused> refused,
    InferredBatch<O> inferred,
    RuntimeException modelFailure,
    long stagedNanos) {

  public StagedBatch {
    batch = List.copyOf(batch);
    ready = List.copyOf(ready);
    refused = List.copyOf(refused);
    if (inferred != null && modelFailure != null) {
      throw new IllegalArgumentException("a batch is either inferred or failed, not both");
    }
  }

  /** A frame that passed intake. */
  public record Ready(PolledFrame polled, FrameIntake.Prepared prepared) {
    public Ready {
      Objects.requireNonNull(polled, "polled");
      Objects.requireNonNull(prepared, "prepared");
    }

    public ScorableFrame frame() {
      return prepared.frame();
    }
  }

  /** A frame intake refused, with the reason. */
  public record Refused(PolledFrame polled, FrameRejectedException reason) {
    public Refused {
      Objects.requireNonNull(polled, "polled");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** The scorable frames of {@code ready}, in order. */
  public static List<ScorableFrame> frames(List<Ready> ready) {
    List<ScorableFrame> frames = new ArrayList<>(ready.size());
    ready.forEach(r -> frames.add(r.frame()));
    return frames;
  }
}
