package io.clipline.scoring.post;

import io.clipline.scoring.Judgement;
import io.clipline.scoring.Thresholds;
import io.clipline.scoring.memory.RobustNormalizer;

/**
 * The decision rule of a scope (docs/SCORING.md §4): its {@link Thresholds} turned into the OK and
 * NG limits in force for the next frame, and the verdict for a normalised score.
 *
 * <p>Fixed thresholds are used as they are. Rate-based ones follow the scope's recent scores:
 * NG is the score that good frames exceed at the target rate under the law {@link GoodScoreFit}
 * fits to the lower part of the raw scores the normaliser holds (so the defective frames among
 * them do not pull the threshold up), raised for the fit's sampling error ({@link
 * GoodScoreFit#rejectLimit}), in normalised units; OK lies the unsure band below it. With fewer
 * than {@link GoodScoreFit#MIN_SCORES} scores NG is not known (NaN) and every frame is UNSURE.
 */
public final class ThresholdPolicy {
  private ThresholdPolicy() {}

  /**
   * The limits in normalised units.
   *
   * @param ok below this a frame is OK
   * @param ng at or above this a frame is NG; NaN when it cannot be derived yet
   */
  public record Limits(double ok, double ng) {
    /** Whether NG is known, so that regions can be cut at it. */
    public boolean known() {
      return !Double.isNaN(ng);
    }

    /** The verdict for {@code z}, as {@link ThresholdPolicy#decide}. */
    public Judgement decide(double z, boolean warmingUp) {
      return ThresholdPolicy.decide(z, ok, ng, warmingUp);
    }
  }

  /**
   * Computes in advance what rate-based {@code thresholds} need for windows of up to {@code
   * window} scores (the sample-size correction of {@link GoodScoreFit#rejectLimit}, about a
   * second on 2 cores, once per rate and process), so that no frame of a young scope waits for it;
   * fixed thresholds need nothing.
   */
  public static void prepare(Thresholds thresholds, int window) {
    if (thresholds.rateBased()) {
      SampleSizeCorrection.prepare(thresholds.targetFalseRejectRate(), window);
    }
  }

  /** The limits {@code thresholds} give with the recent scores of {@code normalizer}. */
  public static Limits limits(Thresholds thresholds, RobustNormalizer normalizer) {
    if (!thresholds.rateBased()) {
      return new Limits(thresholds.ok(), thresholds.ng());
    }
    GoodScoreFit fit = GoodScoreFit.of(normalizer.values(), normalizer.epsilon());
    if (fit == null) {
      return new Limits(Double.NaN, Double.NaN);
    }
    double ng = normalizer.normalize(fit.rejectLimit(thresholds.targetFalseRejectRate()));
    return new Limits(ng - thresholds.unsureBand(), ng);
  }

  /**
   * OK below {@code ok}, NG at or above {@code ng}, UNSURE in between, while warming up, or when
   * {@code ng} (or the score) is not known (NaN).
   */
  public static Judgement decide(double z, double ok, double ng, boolean warmingUp) {
    if (warmingUp || Double.isNaN(ng) || Double.isNaN(z)) {
      return Judgement.UNSURE;
    }
    if (z >= ng) {
      return Judgement.NG;
    }
    return z < ok ? Judgement.OK : Judgement.UNSURE;
  }
}
