package io.clipline.worker;

import java.util.List;
import java.util.Objects;

/**
 * The results of one scored batch, in input order, with the time the model and the scoring
 * engine took for the whole batch.
 */
public record ScoredBatch(List<FrameResult> results, long inferenceNanos, long scoringNanos) {
  public ScoredBatch {
    results = List.copyOf(Objects.requireNonNull(results, "results"));
  }
}
