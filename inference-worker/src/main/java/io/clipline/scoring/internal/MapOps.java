package io.clipline.scoring.internal;

import java.util.Arrays;

/** Anomaly-map operations: bilinear upsampling and separable Gaussian blur (edge replicated). */
public final class MapOps {
  private MapOps() {}

  /**
   * Bilinear resize of a rows x cols map to height x width with half-pixel centres ({@code
   * align_corners=false}), replicating the edge.
   */
  public static float[] resizeBilinear(float[] map, int rows, int cols, int height, int width) {
    float[] out = new float[height * width];
    int[] x0 = new int[width];
    int[] x1 = new int[width];
    float[] wx = new float[width];
    axis(cols, width, x0, x1, wx);
    int[] y0 = new int[height];
    int[] y1 = new int[height];
    float[] wy = new float[height];
    axis(rows, height, y0, y1, wy);
    for (int y = 0; y < height; y++) {
      int a = y0[y] * cols;
      int b = y1[y] * cols;
      float v = wy[y];
      for (int x = 0; x < width; x++) {
        float top = map[a + x0[x]] + wx[x] * (map[a + x1[x]] - map[a + x0[x]]);
        float bot = map[b + x0[x]] + wx[x] * (map[b + x1[x]] - map[b + x0[x]]);
        out[y * width + x] = top + v * (bot - top);
      }
    }
    return out;
  }

  private static void axis(int in, int out, int[] i0, int[] i1, float[] w) {
    double scale = (double) in / out;
    for (int o = 0; o < out; o++) {
      double c = (o + 0.5) * scale - 0.5;
      if (c < 0) {
        c = 0;
      }
      int lo = (int) Math.floor(c);
      if (lo > in - 1) {
        lo = in - 1;
      }
      i0[o] = lo;
      i1[o] = Math.min(lo + 1, in - 1);
      w[o] = (float) (c - lo);
    }
  }

  /** Normalised Gaussian kernel with radius ceil(3 sigma); sigma &lt;= 0 gives the identity. */
  public static float[] gaussianKernel(double sigma) {
    if (!(sigma > 0)) {
      return new float[] {1f};
    }
    int r = (int) Math.ceil(3 * sigma);
    float[] k = new float[2 * r + 1];
    double sum = 0;
    for (int i = -r; i <= r; i++) {
      double v = Math.exp(-(i * (double) i) / (2 * sigma * sigma));
      k[i + r] = (float) v;
      sum += v;
    }
    for (int i = 0; i < k.length; i++) {
      k[i] = (float) (k[i] / sum);
    }
    return k;
  }

  /** Separable Gaussian blur of a height x width map with the edge replicated. */
  public static float[] gaussianBlur(float[] map, int height, int width, double sigma) {
    float[] k = gaussianKernel(sigma);
    if (k.length == 1) {
      return map.clone();
    }
    int r = k.length / 2;
    float[] tmp = new float[map.length];
    for (int y = 0; y < height; y++) {
      int row = y * width;
      for (int x = 0; x < width; x++) {
        float s = 0f;
        for (int i = -r; i <= r; i++) {
          int xx = Math.min(width - 1, Math.max(0, x + i));
          s += k[i + r] * map[row + xx];
        }
        tmp[row + x] = s;
      }
    }
    float[] out = new float[map.length];
    for (int y = 0; y < height; y++) {
      for (int i = -r; i <= r; i++) {
        int yy = Math.min(height - 1, Math.max(0, y + i));
        float w = k[i + r];
        int src = yy * width;
        int dst = y * width;
        for (int x = 0; x < width; x++) {
          out[dst + x] += w * tmp[src + x];
        }
      }
    }
    return out;
  }

  /** Maximum of a map. */
  public static float max(float[] map) {
    float m = Float.NEGATIVE_INFINITY;
    for (float v : map) {
      if (v > m) {
        m = v;
      }
    }
    return m;
  }

  /**
   * The mean of the largest {@code ceil(fraction * length)} values of {@code map} (at least one);
   * {@code fraction} 0 gives {@link #max}. Runs once per frame on the output map: the largest
   * values are selected in linear time, and only they are sorted, so that they are summed in
   * ascending order whatever the map's (the score does not depend on how the selection went).
   */
  public static double topMean(float[] map, double fraction) {
    int n = Math.max(1, (int) Math.ceil(fraction * map.length));
    if (n == 1) {
      return max(map);
    }
    float[] values = map.clone();
    int from = values.length - n;
    selectInto(values, from);
    Arrays.sort(values, from, values.length);
    double sum = 0;
    for (int i = from; i < values.length; i++) {
      sum += values[i];
    }
    return sum / n;
  }

  /**
   * Reorders {@code a} so that {@code a[k]} is its k-th smallest value, none before it larger
   * and none after it smaller (Hoare's selection, median-of-three pivot). Values must not be NaN.
   */
  private static void selectInto(float[] a, int k) {
    int lo = 0;
    int hi = a.length - 1;
    while (hi > lo) {
      int mid = (lo + hi) >>> 1;
      float pivot = Math.max(Math.min(a[lo], a[mid]), Math.min(Math.max(a[lo], a[mid]), a[hi]));
      int i = lo;
      int j = hi;
      while (i <= j) {
        while (a[i] < pivot) {
          i++;
        }
        while (a[j] > pivot) {
          j--;
        }
        if (i <= j) {
          float t = a[i];
          a[i] = a[j];
          a[j] = t;
          i++;
          j--;
        }
      }
      // a[lo..j] <= pivot, a[i..hi] >= pivot, and what lies between equals the pivot.
      if (k <= j) {
        hi = j;
      } else if (k >= i) {
        lo = i;
      } else {
        return;
      }
    }
  }
}
