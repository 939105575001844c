package io.clipline.scoring.post;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clipline.scoring.Judgement;
import io.clipline.scoring.Thresholds;
import io.clipline.scoring.memory.RobustNormalizer;
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
  void shouldPutNgAtTheRateQuantileAndOkOneBandBelowWhenRateBased() {
    RobustNormalizer history = new RobustNormalizer(20, 0.01);
    for (int i = 1; i <= 11; i++) {
      history.add(i);
    }
    ThresholdPolicy.Limits limits =
        ThresholdPolicy.limits(Thresholds.forFalseRejectRate(0.1, 0.5), history);
    double expectedNg = history.normalizedQuantile(0.9);
    assertEquals(expectedNg, limits.ng(), 0.0);
    assertEquals(expectedNg - 0.5, limits.ok(), 0.0);
    assertEquals(Judgement.NG, limits.decide(expectedNg, false));
    assertEquals(Judgement.UNSURE, limits.decide(expectedNg - 0.25, false));
    assertEquals(Judgement.OK, limits.decide(expectedNg - 0.75, false));
    assertEquals(Judgement.UNSURE, limits.decide(expectedNg + 10, true));
  }
}
