package io.clipline.scoring.internal;

/** Small dense-vector kernels over flat row-major float arrays. */
public final class Vectors {
  private Vectors() {}

  /** Dot product of row {@code a} of {@code x} and row {@code b} of {@code y}, both of width dim. */
  public static float dot(float[] x, int xOff, float[] y, int yOff, int dim) {
    float s0 = 0f;
    float s1 = 0f;
    int d = 0;
    for (; d + 1 < dim; d += 2) {
      s0 += x[xOff + d] * y[yOff + d];
      s1 += x[xOff + d + 1] * y[yOff + d + 1];
    }
    if (d < dim) {
      s0 += x[xOff + d] * y[yOff + d];
    }
    return s0 + s1;
  }

  /** L2-normalises every row of width dim in place; zero rows stay zero. */
  public static void normalizeRows(float[] x, int rows, int dim) {
    for (int r = 0; r < rows; r++) {
      int off = r * dim;
      double ss = 0;
      for (int d = 0; d < dim; d++) {
        ss += (double) x[off + d] * x[off + d];
      }
      if (ss > 0) {
        float inv = (float) (1.0 / Math.sqrt(ss));
        for (int d = 0; d < dim; d++) {
          x[off + d] *= inv;
        }
      }
    }
  }

  /** Returns an L2-normalised copy of v (a zero vector stays zero). */
  public static float[] normalized(float[] v) {
    float[] c = v.clone();
    normalizeRows(c, 1, c.length);
    return c;
  }

  /**
   * Mean over the 3x3 neighbourhood of each cell of a rows x cols grid of dim-vectors, with the
   * grid edge replicated.
   */
  public static float[] neighbourhoodMean(float[] x, int rows, int cols, int dim) {
    float[] out = new float[rows * cols * dim];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        int o = (r * cols + c) * dim;
        for (int dr = -1; dr <= 1; dr++) {
          int rr = Math.min(rows - 1, Math.max(0, r + dr));
          for (int dc = -1; dc <= 1; dc++) {
            int cc = Math.min(cols - 1, Math.max(0, c + dc));
            int i = (rr * cols + cc) * dim;
            for (int d = 0; d < dim; d++) {
              out[o + d] += x[i + d];
            }
          }
        }
        for (int d = 0; d < dim; d++) {
          out[o + d] /= 9f;
        }
      }
    }
    return out;
  }

  /**
   * Linear-interpolated percentile (numpy's default) of the first n values of v; v is not
   * modified.
   */
  public static double percentile(float[] v, int n, double q) {
    if (n == 0) {
      return Double.NaN;
    }
    float[] s = java.util.Arrays.copyOf(v, n);
    java.util.Arrays.sort(s);
    double pos = q * (n - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(n - 1, lo + 1);
    double w = pos - lo;
    return s[lo] + w * (s[hi] - s[lo]);
  }

  /** Median of the first n values (percentile 0.5). */
  public static double median(double[] v, int n) {
    double[] s = java.util.Arrays.copyOf(v, n);
    java.util.Arrays.sort(s);
    return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
  }
}
