package io.clipline.scoring.post;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clipline.scoring.Judgement;
import io.clipline.scoring.Thresholds;
import io.clipline.scoring.memory.RobustNormalizer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ThresholdPolicyTest {

  @Test
  void shouldUseFixedThresholdsAsTheyAreWhateverTheHistory() {
    RobustNormalizer history = new RobustNormalizer(10, 0.01);
    ThresholdPolicy.Limits empty = ThresholdPolicy.limits(Thresholds.fixed(2, 3), history);
    for (double v : new double[] {1, 2, 3, 4, 50}) {
      history.add(v);
    }
    ThresholdPolicy.Limits full = ThresholdPolicy.limits(Thresholds.fixed(2, 3), history);
    assertEquals(new ThresholdPolicy.Limits(2, 3), empty);
    assertEquals(empty, full);
    assertTrue(full.known());
  }

  @Test
  void shouldNotKnowNgWhenRateBasedAndNoScoresYet() {
    ThresholdPolicy.Limits limits =
        ThresholdPolicy.limits(
            Thresholds.forFalseRejectRate(0.1, 0.5), new RobustNormalizer(10, 0.01));
    assertFalse(limits.known());
    assertEquals(Judgement.UNSURE, limits.decide(100, false));
  }

  @Test
  void shouldPutNgAtTheFittedGoodQuantileAndOkOneBandBelowWhenRateBased() {
    RobustNormalizer history = new RobustNormalizer(20, 0.01);
    for (int i = 1; i <= 11; i++) {
      history.add(i);
    }
    ThresholdPolicy.Limits limits =
        ThresholdPolicy.limits(Thresholds.forFalseRejectRate(0.1, 0.5), history);
    GoodScoreFit fit = GoodScoreFit.of(history.values(), history.epsilon());
    double expectedNg = history.normalize(fit.rejectLimit(0.1));
    assertEquals(expectedNg, limits.ng(), 0.0);
    assertTrue(expectedNg > history.normalize(fit.quantile(0.9)), "raised for 11 scores");
    assertEquals(expectedNg - 0.5, limits.ok(), 0.0);
    assertEquals(Judgement.NG, limits.decide(expectedNg, false));
    assertEquals(Judgement.UNSURE, limits.decide(expectedNg - 0.25, false));
    assertEquals(Judgement.OK, limits.decide(expectedNg - 0.75, false));
    assertEquals(Judgement.UNSURE, limits.decide(expectedNg + 10, true));
  }

  @Test
  void shouldNotKnowNgWithFewerScoresThanTheFitNeeds() {
    RobustNormalizer history = new RobustNormalizer(20, 0.01);
    for (int i = 1; i < GoodScoreFit.MIN_SCORES; i++) {
      history.add(i);
    }
    assertFalse(
        ThresholdPolicy.limits(Thresholds.forFalseRejectRate(0.01, 1), history).known());
  }

  /**
   * A line-like stream: good frames' scores follow a Gumbel law (the peak of a map), 5 % of frames
   * are defective and score well above them. The rate-based rule must hold the target
   * false-reject rate on the good frames although the defects are in its window, and catch the
   * defects; the empirical quantile of the window would be pulled up by them.
   */
  @Test
  void shouldHoldTheTargetFalseRejectRateOnAContaminatedStream() {
    Random random = new Random(42);
    Thresholds target = Thresholds.forFalseRejectRate(0.01, 1.0);
    RobustNormalizer history = new RobustNormalizer(200, 0.01);
    int good = 0;
    int falseRejects = 0;
    int defective = 0;
    int escapes = 0;
    int naiveEscapes = 0;
    for (int frame = 0; frame < 20_000; frame++) {
      boolean defect = random.nextDouble() < 0.05;
      double gumbel = 0.30 - 0.02 * Math.log(-Math.log(random.nextDouble()));
      double raw = defect ? gumbel + 0.12 + 0.05 * random.nextDouble() : gumbel;
      if (history.size() >= 50) {
        ThresholdPolicy.Limits limits = ThresholdPolicy.limits(target, history);
        boolean rejected = limits.decide(history.normalize(raw), false) == Judgement.NG;
        boolean naive = raw >= quantile(history.values(), 0.99);
        if (defect) {
          defective++;
          escapes += rejected ? 0 : 1;
          naiveEscapes += naive ? 0 : 1;
        } else {
          good++;
          falseRejects += rejected ? 1 : 0;
        }
      }
      history.add(raw);
    }
    double frr = falseRejects / (double) good;
    double escape = escapes / (double) defective;
    assertTrue(frr <= 0.015, "false-reject rate " + frr + " above the 1 % target");
    assertTrue(frr >= 0.003, "false-reject rate " + frr + ": the threshold is far too cautious");
    assertTrue(escape < 0.1, "escape rate " + escape);
    assertTrue(naiveEscapes / (double) defective > 2 * escape,
        "the window's own quantile should let more defects pass: " + naiveEscapes + " of "
            + defective + " vs " + escapes);
  }

  /**
   * Short scopes, as a lighting recipe of a few dozen frames: each judges from its 20th frame on,
   * from the scores before it. The fit is noisy there, and the nominal quantile of the fitted law
   * rejects good frames well above the target; the corrected limit holds it.
   */
  @Test
  void shouldHoldTheTargetFalseRejectRateOnShortContaminatedScopes() {
    Random random = new Random(43);
    Thresholds target = Thresholds.forFalseRejectRate(0.01, 1.0);
    int good = 0;
    int falseRejects = 0;
    int nominalFalseRejects = 0;
    for (int scope = 0; scope < 1_500; scope++) {
      RobustNormalizer history = new RobustNormalizer(500, 0.01);
      for (int frame = 0; frame < 80; frame++) {
        boolean defect = random.nextDouble() < 0.05;
        double gumbel = 0.30 - 0.02 * Math.log(-Math.log(random.nextDouble()));
        double raw = defect ? gumbel + 0.12 + 0.05 * random.nextDouble() : gumbel;
        if (frame >= 20 && !defect) {
          ThresholdPolicy.Limits limits = ThresholdPolicy.limits(target, history);
          good++;
          falseRejects += limits.decide(history.normalize(raw), false) == Judgement.NG ? 1 : 0;
          double nominal =
              GoodScoreFit.of(history.values(), history.epsilon()).quantile(0.99);
          nominalFalseRejects += raw >= nominal ? 1 : 0;
        }
        history.add(raw);
      }
    }
    double frr = falseRejects / (double) good;
    double nominalFrr = nominalFalseRejects / (double) good;
    assertTrue(frr <= 0.012, "false-reject rate " + frr + " above the 1 % target");
    assertTrue(frr >= 0.005, "false-reject rate " + frr + ": the threshold is far too cautious");
    assertTrue(nominalFrr > 0.015, "the nominal quantile's false-reject rate " + nominalFrr);
  }

  /** The old rule's threshold: the plain quantile of the window (linear interpolation). */
  private static double quantile(double[] values, double q) {
    double[] v = values.clone();
    java.util.Arrays.sort(v);
    double pos = q * (v.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(v.length - 1, lo + 1);
    return v[lo] + (pos - lo) * (v[hi] - v[lo]);
  }
}
