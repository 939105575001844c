package io.clipline.worker.internal;

import io.clipline.worker.FrameResult;
import io.clipline.worker.ScoredBatch;
import java.util.List;
import java.util.Objects;

/**
 * A staged batch after the scoring stage: one {@link Judgement} per ready frame, in order, the
 * time the two stages took, and whether the batch as a whole failed and was judged in parts.
 *
 * @param staged the batch as the model stage left it
 * @param judgements one per {@link StagedBatch#ready()} frame, in the same order
 * @param times model and scoring-engine time over every part scored
 * @param fellBack whether parts of the batch ran both stages again, behind what was submitted
 *     after it: the whole batch failed and was retried at half size or frame by frame, or some
 *     of its frames were scored apart from those answered with an earlier result
 */
public record JudgedBatch(
    StagedBatch<?> staged, List<Judgement> judgements, StageTimes times, boolean fellBack) {

  public JudgedBatch {
    Objects.requireNonNull(staged, "staged");
    judgements = List.copyOf(judgements);
    if (judgements.size() != staged.ready().size()) {
      throw new IllegalArgumentException(judgements.size() + " judgements for "
          + staged.ready().size() + " ready frames");
    }
  }

  /** What scoring made of one ready frame: a result, or a refusal at the INFERENCE stage. */
  public sealed interface Judgement {
    StagedBatch.Ready frame();
  }

  /**
   * The frame was scored, or, {@code replayed}, answered with the result of its earlier judgement
   * in a transaction that aborted ({@link UncommittedResults}): its scope learnt it then, not now.
   */
  public record Scored(StagedBatch.Ready frame, FrameResult result, boolean replayed)
      implements Judgement {
    /** A frame scored now. */
    public Scored(StagedBatch.Ready frame, FrameResult result) {
      this(frame, result, false);
    }
  }

  /** The frame failed scoring even alone. */
  public record Refused(StagedBatch.Ready frame, FrameRejectedException reason)
      implements Judgement {}

  /**
   * Model and scoring-engine time, in nanoseconds, as the scorer reported them.
   *
   * @param inferenceNanos model time
   * @param scoringNanos scoring-engine time
   */
  public record StageTimes(long inferenceNanos, long scoringNanos) {
    public static final StageTimes NONE = new StageTimes(0, 0);

    public StageTimes plus(ScoredBatch scored) {
      return new StageTimes(
          inferenceNanos + scored.inferenceNanos(), scoringNanos + scored.scoringNanos());
    }

    public StageTimes plus(StageTimes other) {
      return new StageTimes(
          inferenceNanos + other.inferenceNanos, scoringNanos + other.scoringNanos);
    }
  }
}
