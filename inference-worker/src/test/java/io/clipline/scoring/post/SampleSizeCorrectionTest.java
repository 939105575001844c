package io.clipline.scoring.post;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SampleSizeCorrectionTest {
  /**
   * The share of good frames above the limit, over many fits to {@code n} Gumbel scores drawn
   * with a seed of its own (not the simulation's), in a location and scale of their own.
   */
  private static double[] exceedance(int n, double rate, long seed) {
    Random random = new Random(seed);
    double location = 0.31;
    double scale = 0.04;
    double corrected = 0;
    double nominal = 0;
    int fits = 20_000;
    double[] scores = new double[n];
    for (int i = 0; i < fits; i++) {
      for (int j = 0; j < n; j++) {
        scores[j] = location - scale * Math.log(-Math.log(random.nextDouble()));
      }
      GoodScoreFit fit = GoodScoreFit.of(scores, 1e-9);
      corrected += goodAbove(fit.rejectLimit(rate), location, scale);
      nominal += goodAbove(fit.quantile(1 - rate), location, scale);
    }
    return new double[] {corrected / fits, nominal / fits};
  }

  private static double goodAbove(double limit, double location, double scale) {
    return -Math.expm1(-Math.exp(-(limit - location) / scale));
  }

  @Test
  void holdsTheRateOnAverageWhereTheNominalQuantileDoesNot() {
    double[] n20 = exceedance(20, 0.01, 7);
    assertEquals(0.01, n20[0], 0.0015, "corrected limit from 20 scores");
    assertTrue(n20[1] > 0.025, "nominal quantile from 20 scores exceeded by " + n20[1]);
    double[] n63 = exceedance(63, 0.01, 8); // between grid points
    assertEquals(0.01, n63[0], 0.0012, "corrected limit from 63 scores");
    assertTrue(n63[1] > 0.014, "nominal quantile from 63 scores exceeded by " + n63[1]);
    double[] n20at5 = exceedance(20, 0.05, 9);
    assertEquals(0.05, n20at5[0], 0.004, "corrected limit at a 5 % target");
  }

  @Test
  void shrinksTowardsTheNominalVariateAsTheFitGrows() {
    double nominal = GoodScoreFit.reducedVariate(0.99);
    double previous = Double.POSITIVE_INFINITY;
    for (int n : SampleSizeCorrection.GRID) {
      double y = SampleSizeCorrection.reducedVariate(n, 0.01);
      assertTrue(y < previous && y > nominal, "variate " + y + " at n=" + n);
      previous = y;
    }
    assertEquals(nominal, SampleSizeCorrection.reducedVariate(1_000_000, 0.01), 0.002);
    double at21 = SampleSizeCorrection.reducedVariate(21, 0.01);
    assertTrue(
        at21 < SampleSizeCorrection.reducedVariate(20, 0.01)
            && at21 > SampleSizeCorrection.reducedVariate(24, 0.01),
        "interpolated between its grid points");
    assertEquals(
        SampleSizeCorrection.reducedVariate(150, 0.02),
        SampleSizeCorrection.reducedVariate(150, 0.02),
        0.0,
        "deterministic");
  }

  @Test
  void refusesSizesTheFitDoesNotMakeAndRatesOutOfRange() {
    assertThrows(
        IllegalArgumentException.class,
        () -> SampleSizeCorrection.reducedVariate(GoodScoreFit.MIN_SCORES - 1, 0.01));
    assertThrows(IllegalArgumentException.class, () -> SampleSizeCorrection.reducedVariate(50, 0));
    assertThrows(
        IllegalArgumentException.class, () -> SampleSizeCorrection.reducedVariate(50, 0.6));
  }
}
