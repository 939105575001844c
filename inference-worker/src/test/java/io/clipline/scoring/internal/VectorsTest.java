package io.clipline.scoring.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VectorsTest {
  /** Arrays with many ties (values clipped to [0, 1], as presence values are) and without. */
  private static float[] sample(Random random, int n, boolean ties) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      float x = (float) random.nextGaussian();
      v[i] = ties ? Math.max(0f, Math.min(1f, Math.round(x * 4) / 4f)) : x;
    }
    return v;
  }

  @Test
  void shouldMatchFullSortWhenSelectingOrderStatistics() {
    Random random = new Random(11);
    for (int trial = 0; trial < 500; trial++) {
      int n = 1 + random.nextInt(300);
      float[] v = sample(random, n, trial % 2 == 0);
      float[] sorted = v.clone();
      Arrays.sort(sorted);
      int kth = random.nextInt(n);
      float[] work = v.clone();
      assertEquals(sorted[kth], Vectors.select(work, n, kth));
      for (int i = 0; i < n; i++) {
        if (i < kth) {
          assertEquals(true, work[i] <= sorted[kth], "left of kth must not be larger");
        } else if (i > kth) {
          assertEquals(true, work[i] >= sorted[kth], "right of kth must not be smaller");
        }
      }
    }
  }

  @Test
  void shouldSumTheLargestValuesLikeASortedTail() {
    Random random = new Random(12);
    for (int trial = 0; trial < 500; trial++) {
      int n = 1 + random.nextInt(300);
      float[] v = sample(random, n, trial % 2 == 0);
      int keep = 1 + random.nextInt(n);
      float[] sorted = v.clone();
      Arrays.sort(sorted);
      double want = 0;
      for (int i = n - keep; i < n; i++) {
        want += sorted[i];
      }
      assertEquals(want, Vectors.sumOfLargest(v.clone(), n, keep), 1e-9 * n);
    }
  }

  @Test
  void shouldInterpolatePercentilesLikeNumpy() {
    float[] v = {5f, 1f, 4f, 2f, 3f};
    // numpy.percentile([1,2,3,4,5], 99) = 4.96; 50 -> 3; 0 -> 1; 100 -> 5
    assertEquals(4.96, Vectors.percentile(v, 5, 0.99), 1e-6);
    assertEquals(3.0, Vectors.percentile(v, 5, 0.5), 1e-9);
    assertEquals(1.0, Vectors.percentile(v, 5, 0.0), 1e-9);
    assertEquals(5.0, Vectors.percentile(v, 5, 1.0), 1e-9);
    assertEquals(5f, v[0], "the input is not modified");
  }

  @Test
  void shouldMultiplyByTheTransposeExactlyAsPairwiseDotProducts() {
    Random random = new Random(13);
    for (int[] shape : new int[][] {{1, 1, 1}, {2, 4, 3}, {3, 5, 22}, {7, 9, 64}, {5, 3, 2}}) {
      int n = shape[0];
      int m = shape[1];
      int dim = shape[2];
      float[] a = sample(random, n * dim, false);
      float[] b = sample(random, m * dim, false);
      float[] out = new float[n * m];
      Vectors.multiplyTransposed(a, n, b, m, dim, out);
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < m; j++) {
          double want = 0;
          for (int d = 0; d < dim; d++) {
            want += (double) a[i * dim + d] * b[j * dim + d];
          }
          assertEquals(want, out[i * m + j], 1e-4, "out[" + i + "][" + j + "]");
          // Bit for bit the dot product: eviction repair and assessment must agree.
          assertEquals(Vectors.dot(a, i * dim, b, j * dim, dim), out[i * m + j]);
        }
      }
    }
  }
}
