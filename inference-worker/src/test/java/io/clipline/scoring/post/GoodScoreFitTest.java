package io.clipline.scoring.post;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GoodScoreFitTest {
  private static double[] gumbel(int n, double location, double scale, long seed) {
    Random random = new Random(seed);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = location - scale * Math.log(-Math.log(random.nextDouble()));
    }
    return v;
  }

  @Test
  void recoversTheLawOfGumbelScores() {
    GoodScoreFit fit = GoodScoreFit.of(gumbel(20_000, 0.4, 0.05, 1), 1e-6);
    assertEquals(0.4, fit.location(), 0.003);
    assertEquals(0.05, fit.scale(), 0.003);
    assertEquals(0.4 + 0.05 * 4.600, fit.quantile(0.99), 0.01);
  }

  @Test
  void ignoresDefectiveScoresAboveTheLowerHalf() {
    double[] clean = gumbel(2_000, 0.4, 0.05, 2);
    double[] mixed = Arrays.copyOf(clean, 2_100);
    for (int i = 2_000; i < mixed.length; i++) {
      mixed[i] = 5.0; // ~5 % far-off defects, as on a bad day of a line
    }
    double p99Clean = GoodScoreFit.of(clean, 1e-6).quantile(0.99);
    double p99Mixed = GoodScoreFit.of(mixed, 1e-6).quantile(0.99);
    assertEquals(p99Clean, p99Mixed, 0.02);
    double[] sorted = mixed.clone();
    Arrays.sort(sorted);
    assertTrue(sorted[(int) (0.99 * sorted.length)] > 1, "the plain 99th percentile is a defect's");
  }

  @Test
  void needsEnoughScoresAndKeepsAScaleFloor() {
    assertNull(GoodScoreFit.of(new double[GoodScoreFit.MIN_SCORES - 1], 0.01));
    GoodScoreFit flat = GoodScoreFit.of(new double[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, 0.01);
    assertEquals(0.01, flat.scale(), 0.0);
    assertTrue(flat.quantile(0.99) > 1);
    assertThrows(IllegalArgumentException.class, () -> flat.quantile(1.0));
  }
}
