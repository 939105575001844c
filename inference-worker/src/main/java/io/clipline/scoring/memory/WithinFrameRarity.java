package io.clipline.scoring.memory;

import io.clipline.scoring.internal.Vectors;

/**
 * The within-frame term of the rarity (docs/SCORING.md §3, "Within-frame rarity"): each patch
 * against the other patches of its own frame, outside its own neighbourhood. It needs no memory,
 * so it scores a scope's first frame as it scores its thousandth, and it suits surfaces whose
 * texture repeats within a frame (a defect is then rare within the frame even when the line's
 * memory is young or holds look-alikes).
 *
 * <p>For patch n: the {@code k} largest cosine similarities to the patches whose grid cell lies
 * more than {@link #EXCLUSION_RADIUS} cells away from n's (in rows or columns: a defect's own
 * neighbours do not vouch for it), divided by the 99th percentile of all these similarities and
 * clipped to [0, 1] as the memory's similarities are (§3 step 2); the rarity is one minus their
 * mean. Stateless; the methods are pure functions.
 */
public final class WithinFrameRarity {
  /**
   * Cells around a patch, in rows and columns, that do not count as its peers: 2, so a 5 x 5
   * block (on a 14 x 14 grid a defect up to about a sixth of the frame wide still has no peer of
   * its own kind next to it).
   */
  public static final int EXCLUSION_RADIUS = 2;

  private WithinFrameRarity() {}

  /**
   * Within-frame rarity in [0, 1] of each patch of a {@code rows x cols} grid of L2-normalised
   * {@code dim}-vectors (row-major), from its {@code k} most similar peers, calibrated at {@code
   * calibrationPercentile}. A grid too small to give a patch any peer scores 0 (no evidence).
   */
  public static float[] of(
      float[] features, int rows, int cols, int dim, int k, double calibrationPercentile) {
    int p = rows * cols;
    if (features.length != p * dim) {
      throw new IllegalArgumentException(
          "expected " + p + " x " + dim + " features, got " + features.length + " values");
    }
    float[] rarity = new float[p];
    float[] sim = new float[p * p];
    Vectors.multiplyTransposed(features, p, features, p, dim, sim);
    float[] top = new float[p * k];
    int[] found = new int[p];
    int total = 0;
    for (int n = 0; n < p; n++) {
      int rn = n / cols;
      int cn = n % cols;
      int o = n * k;
      java.util.Arrays.fill(top, o, o + k, Float.NEGATIVE_INFINITY);
      for (int m = 0; m < p; m++) {
        if (Math.abs(m / cols - rn) <= EXCLUSION_RADIUS
            && Math.abs(m % cols - cn) <= EXCLUSION_RADIUS) {
          continue;
        }
        float s = sim[n * p + m];
        if (s > top[o + k - 1]) {
          int pos = k - 1;
          while (pos > 0 && s > top[o + pos - 1]) {
            top[o + pos] = top[o + pos - 1];
            pos--;
          }
          top[o + pos] = s;
          found[n] = Math.min(k, found[n] + 1);
        }
      }
      total += found[n];
    }
    if (total == 0) {
      return rarity;
    }
    float[] all = new float[total];
    int i = 0;
    for (int n = 0; n < p; n++) {
      for (int j = 0; j < found[n]; j++) {
        all[i++] = top[n * k + j];
      }
    }
    double q = Vectors.percentile(all, total, calibrationPercentile);
    float inv = (float) (1.0 / (q > 0 ? q : 1.0));
    for (int n = 0; n < p; n++) {
      if (found[n] == 0) {
        continue;
      }
      double sum = 0;
      for (int j = 0; j < found[n]; j++) {
        sum += Math.min(1f, Math.max(0f, top[n * k + j] * inv));
      }
      rarity[n] = (float) Math.min(1.0, Math.max(0.0, 1.0 - sum / found[n]));
    }
    return rarity;
  }
}
