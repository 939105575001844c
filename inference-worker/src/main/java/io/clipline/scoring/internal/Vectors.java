package io.clipline.scoring.internal;

/** Small dense-vector kernels over flat row-major float arrays. */
public final class Vectors {
  private Vectors() {}

  /**
   * Dot product of the dim values of {@code x} from {@code xOff} and of {@code y} from {@code
   * yOff}, summed in dimension order: the same value {@link #multiplyTransposed} gives for the
   * pair, bit for bit.
   */
  public static float dot(float[] x, int xOff, float[] y, int yOff, int dim) {
    float s = 0f;
    for (int d = 0; d < dim; d++) {
      s += x[xOff + d] * y[yOff + d];
    }
    return s;
  }

  /**
   * {@code out[i * m + j] = dot(a row i, b row j)} for n rows of {@code a} and m rows of {@code
   * b}, both row-major of width dim: a 2 x 4 register tile (each row of {@code b} is loaded once
   * for two rows of {@code a}), every dot product summed in dimension order as {@link #dot} does.
   */
  public static void multiplyTransposed(
      float[] a, int n, float[] b, int m, int dim, float[] out) {
    int i = 0;
    for (; i + 1 < n; i += 2) {
      int fa = i * dim;
      int fb = fa + dim;
      int oa = i * m;
      int ob = oa + m;
      int j = 0;
      for (; j + 3 < m; j += 4) {
        int p0 = j * dim;
        int p1 = p0 + dim;
        int p2 = p1 + dim;
        int p3 = p2 + dim;
        float a0 = 0f;
        float a1 = 0f;
        float a2 = 0f;
        float a3 = 0f;
        float b0 = 0f;
        float b1 = 0f;
        float b2 = 0f;
        float b3 = 0f;
        for (int d = 0; d < dim; d++) {
          float x = a[fa + d];
          float y = a[fb + d];
          float q0 = b[p0 + d];
          float q1 = b[p1 + d];
          float q2 = b[p2 + d];
          float q3 = b[p3 + d];
          a0 += x * q0;
          a1 += x * q1;
          a2 += x * q2;
          a3 += x * q3;
          b0 += y * q0;
          b1 += y * q1;
          b2 += y * q2;
          b3 += y * q3;
        }
        out[oa + j] = a0;
        out[oa + j + 1] = a1;
        out[oa + j + 2] = a2;
        out[oa + j + 3] = a3;
        out[ob + j] = b0;
        out[ob + j + 1] = b1;
        out[ob + j + 2] = b2;
        out[ob + j + 3] = b3;
      }
      for (; j < m; j++) {
        out[oa + j] = dot(a, fa, b, j * dim, dim);
        out[ob + j] = dot(a, fb, b, j * dim, dim);
      }
    }
    for (; i < n; i++) {
      for (int j = 0; j < m; j++) {
        out[i * m + j] = dot(a, i * dim, b, j * dim, dim);
      }
    }
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
    double pos = q * (n - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(n - 1, lo + 1);
    double w = pos - lo;
    float atLo = select(s, n, lo);
    float atHi = atLo;
    if (hi != lo) {
      // After select, everything right of lo is >= s[lo]; the next order statistic is their min.
      atHi = s[hi];
      for (int i = hi + 1; i < n; i++) {
        atHi = Math.min(atHi, s[i]);
      }
    }
    return atLo + w * (atHi - atLo);
  }

  /**
   * Sum of the {@code keep} largest of the first n values of v, reordering v (a partial sort: linear
   * time, unlike a full sort).
   */
  public static double sumOfLargest(float[] v, int n, int keep) {
    if (keep <= 0) {
      return 0.0;
    }
    if (keep < n) {
      select(v, n, n - keep);
    }
    double s = 0;
    for (int i = Math.max(0, n - keep); i < n; i++) {
      s += v[i];
    }
    return s;
  }

  /**
   * Quickselect: reorders the first n values of v so that v[kth] holds the value a full sort would
   * put there, nothing left of it is larger and nothing right of it is smaller; returns v[kth].
   * Three-way partitioning keeps runs of equal values (common after clipping) linear.
   */
  static float select(float[] v, int n, int kth) {
    int lo = 0;
    int hi = n - 1;
    while (hi > lo) {
      int mid = (lo + hi) >>> 1;
      float pivot = medianOf3(v[lo], v[mid], v[hi]);
      int lt = lo;
      int gt = hi;
      int i = lo;
      while (i <= gt) {
        float x = v[i];
        if (x < pivot) {
          v[i++] = v[lt];
          v[lt++] = x;
        } else if (x > pivot) {
          v[i] = v[gt];
          v[gt--] = x;
        } else {
          i++;
        }
      }
      if (kth < lt) {
        hi = lt - 1;
      } else if (kth > gt) {
        lo = gt + 1;
      } else {
        return v[kth];
      }
    }
    return v[kth];
  }

  private static float medianOf3(float a, float b, float c) {
    return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
  }

  /** Median of the first n values (percentile 0.5). */
  public static double median(double[] v, int n) {
    double[] s = java.util.Arrays.copyOf(v, n);
    java.util.Arrays.sort(s);
    return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
  }
}
