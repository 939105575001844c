package io.clipline.scoring;

/**
 * Decision thresholds on the per-scope normalised image score: OK below {@code ok}, NG at or above
 * {@code ng}, UNSURE in between.
 *
 * <p>Either fixed ({@link #fixed}) or derived from a target false-reject rate ({@link
 * #forFalseRejectRate}): then {@code ng} is the score that good frames exceed at that rate, under
 * the law fitted to the lower part of the scope's recent scores ({@link
 * io.clipline.scoring.post.ThresholdPolicy}), and {@code ok = ng - unsureBand}. Unused fields are
 * NaN.
 *
 * @param ok fixed OK threshold (NaN in rate mode)
 * @param ng fixed NG threshold (NaN in rate mode)
 * @param targetFalseRejectRate in (0, 0.5] in rate mode, NaN when fixed
 * @param unsureBand width of the UNSURE band below NG, &gt;= 0
 */
public record Thresholds(double ok, double ng, double targetFalseRejectRate, double unsureBand) {

  /** Validates; a rule over two fields names both. */
  public Thresholds {
    if (Double.isNaN(targetFalseRejectRate)) {
      if (!Double.isFinite(ok) || !Double.isFinite(ng)) {
        throw new IllegalArgumentException(
            "Thresholds.ok and Thresholds.ng must be finite when no targetFalseRejectRate is set,"
                + " got ok=" + ok + " ng=" + ng);
      }
      if (ok > ng) {
        throw new IllegalArgumentException(
            "Thresholds.ok must be <= Thresholds.ng, got ok=" + ok + " ng=" + ng);
      }
      unsureBand = ng - ok;
    } else {
      if (!(targetFalseRejectRate > 0 && targetFalseRejectRate <= 0.5)) {
        throw new IllegalArgumentException(
            "Thresholds.targetFalseRejectRate must be in (0, 0.5], got " + targetFalseRejectRate);
      }
      if (!(unsureBand >= 0) || Double.isInfinite(unsureBand)) {
        throw new IllegalArgumentException(
            "Thresholds.unsureBand must be finite and >= 0, got " + unsureBand);
      }
      if (!Double.isNaN(ok) || !Double.isNaN(ng)) {
        throw new IllegalArgumentException(
            "Thresholds.ok and Thresholds.ng must be NaN when targetFalseRejectRate is set,"
                + " got ok=" + ok + " ng=" + ng);
      }
    }
  }

  /** Fixed thresholds in normalised units (robust z-scores). */
  public static Thresholds fixed(double ok, double ng) {
    return new Thresholds(ok, ng, Double.NaN, ng - ok);
  }

  /** NG threshold set so that good frames are rejected at {@code rate} on average. */
  public static Thresholds forFalseRejectRate(double rate, double unsureBand) {
    return new Thresholds(Double.NaN, Double.NaN, rate, unsureBand);
  }

  /** True when the thresholds follow a target false-reject rate. */
  public boolean rateBased() {
    return !Double.isNaN(targetFalseRejectRate);
  }
}
