package io.clipline.scoring.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MapOpsTest {
  private static final float TOL = 1e-5f;

  static Stream<Arguments> resizes() {
    return Stream.of(
        // half-pixel centres, edges replicated: 1x2 -> 1x4
        Arguments.of(new float[] {0, 1}, 1, 2, 1, 4, new float[] {0, 0.25f, 0.75f, 1}),
        // same size is the identity
        Arguments.of(new float[] {1, 2, 3, 4}, 2, 2, 2, 2, new float[] {1, 2, 3, 4}),
        // a single patch fills the whole output
        Arguments.of(new float[] {7}, 1, 1, 2, 3, new float[] {7, 7, 7, 7, 7, 7}),
        // downsampling 1x4 -> 1x2 averages neighbours at the half-pixel centres
        Arguments.of(new float[] {0, 1, 2, 3}, 1, 4, 1, 2, new float[] {0.5f, 2.5f}));
  }

  @ParameterizedTest
  @MethodSource("resizes")
  void shouldInterpolateBilinearlyWhenResizing(
      float[] in, int rows, int cols, int h, int w, float[] want) {
    assertArrayEquals(want, MapOps.resizeBilinear(in, rows, cols, h, w), TOL);
  }

  static Stream<Arguments> blurs() {
    return Stream.of(
        // all-equal map stays equal (edge replicated, kernel sums to 1)
        Arguments.of(new float[] {3, 3, 3, 3, 3, 3, 3, 3, 3}, 1.5, new float[] {3, 3, 3, 3, 3, 3, 3, 3, 3}),
        // sigma 0 is the identity
        Arguments.of(new float[] {0, 0, 0, 0, 9, 0, 0, 0, 0}, 0.0, new float[] {0, 0, 0, 0, 9, 0, 0, 0, 0}));
  }

  @ParameterizedTest
  @MethodSource("blurs")
  void shouldKeepValuesWhenBlurCannotChangeThem(float[] in, double sigma, float[] want) {
    assertArrayEquals(want, MapOps.gaussianBlur(in, 3, 3, sigma), TOL);
  }

  @Test
  void shouldConserveMassAndSpreadSymmetricallyWhenImpulseIsInside() {
    float[] m = new float[21 * 21];
    m[10 * 21 + 10] = 1f;
    float[] b = MapOps.gaussianBlur(m, 21, 21, 2.0);
    float sum = 0;
    for (float x : b) {
      sum += x;
    }
    assertEquals(1f, sum, 1e-4f);
    assertEquals(b[10 * 21 + 8], b[10 * 21 + 12], TOL);
    assertEquals(b[8 * 21 + 10], b[10 * 21 + 8], TOL);
    assertEquals(MapOps.max(b), b[10 * 21 + 10], 0f);
  }

  @Test
  void shouldSumKernelToOneWhenSigmaIsPositive() {
    float s = 0;
    for (float x : MapOps.gaussianKernel(3.3)) {
      s += x;
    }
    assertEquals(1f, s, 1e-5f);
    assertEquals(2 * 10 + 1, MapOps.gaussianKernel(3.3).length);
  }

  @Test
  void shouldAverageLargestValuesWhenTopMeanTakesAFraction() {
    float[] map = {5, 1, 9, 3, 7, 2, 8, 4, 6, 0};

    assertEquals(9, MapOps.topMean(map, 0), TOL); // the maximum alone
    assertEquals(9, MapOps.topMean(map, 0.1), TOL); // ceil(1.0) = 1 value
    assertEquals(8.5, MapOps.topMean(map, 0.15), TOL); // ceil(1.5) = 2 values: 9, 8
    assertEquals(7, MapOps.topMean(map, 0.5), TOL); // 9, 8, 7, 6, 5
    assertEquals(5, map[0], TOL); // the map itself is left as it was
  }

  @Test
  void shouldEqualTheMeanOfTheSortedTailWhenMapsAreRandomOrFlat() {
    Random random = new Random(7);
    for (int trial = 0; trial < 200; trial++) {
      float[] map = new float[1 + random.nextInt(3000)];
      int levels = 1 + random.nextInt(trial % 2 == 0 ? 4 : 1000); // many ties, or few
      for (int i = 0; i < map.length; i++) {
        map[i] = random.nextInt(levels) / (float) levels;
      }
      double fraction = random.nextDouble() * 0.2;
      int n = Math.max(1, (int) Math.ceil(fraction * map.length));
      float[] sorted = map.clone();
      Arrays.sort(sorted);
      double sum = 0;
      for (int i = sorted.length - n; i < sorted.length; i++) {
        sum += sorted[i];
      }

      assertEquals(sum / n, MapOps.topMean(map, fraction), 0.0, "trial " + trial);
    }
  }

  @Test
  void shouldRankSpreadDefectAboveSinglePeakWhenTopMeanIsUsed() {
    // one noisy pixel of a good frame against a small defect of 4 high pixels in 100
    float[] good = new float[100];
    float[] defect = new float[100];
    good[50] = 1.0f;
    for (int i = 0; i < 4; i++) {
      defect[40 + i] = 0.8f;
    }

    assertEquals(1.0, MapOps.topMean(good, 0), TOL);
    assertEquals(0.8, MapOps.topMean(defect, 0), TOL);
    assertEquals(0.25, MapOps.topMean(good, 0.04), TOL);
    assertEquals(0.8, MapOps.topMean(defect, 0.04), TOL);
  }
}
