package io.clipline.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Collects anomaly-map pixels of many images for pixel AUROC and AUPRO.
 *
 * <p>Memory is bounded by sampling the <em>normal</em> pixels on a regular grid (every
 * {@code stride}-th row and column, deterministic); every defective pixel is kept. AUROC is
 * unchanged in expectation by sampling within one class, and AUPRO's per-region overlaps use the
 * full regions, so only the FPR axis is estimated from the sample.
 *
 * <p>AUPRO is the standard per-region overlap (MVTec AD): regions are 8-connected components of
 * the ground truth; at each threshold, PRO is the mean over all regions of all images of the
 * fraction of the region at or above the threshold, FPR the fraction of normal pixels at or above
 * it; the curve is integrated over FPR ∈ [0, maxFpr] and divided by maxFpr. Computed exactly over
 * every distinct threshold.
 *
 * <p>A defective image may name its defect type; {@link #aurocPerType} then gives each type's
 * pixel AUROC, its defective pixels against every normal pixel kept (as the image metrics'
 * per-type AUROC sets a type's frames against every good frame), which tells whether a set's
 * pooled pixel AUROC is held down by one type's large regions.
 */
public final class PixelCollector {
  private final int stride;
  private float[] negatives = new float[1 << 16];
  private int negativeCount;
  private float[] positives = new float[1 << 16];
  private int[] positiveRegion = new int[1 << 16];
  private int[] positiveType = new int[1 << 16];
  private final List<String> types = new ArrayList<>();
  private int positiveCount;
  private int[] regionSizes = new int[64];
  private int regionCount;

  /** Collector keeping one normal pixel in {@code stride × stride}. */
  public PixelCollector(int stride) {
    if (stride < 1) {
      throw new IllegalArgumentException("stride: expected >= 1, got " + stride);
    }
    this.stride = stride;
  }

  /**
   * Adds one image's map ({@code height × width}, row-major) with its ground truth at the same
   * resolution ({@code truth[i]} true for a defective pixel), or null for an all-normal image.
   */
  public void add(float[] map, int height, int width, boolean[] truth) {
    add(map, height, width, truth, null);
  }

  /**
   * As {@link #add(float[], int, int, boolean[])}, for a defective image of defect type {@code
   * type} (null or empty: no type, counted in the pooled metrics only).
   */
  public void add(float[] map, int height, int width, boolean[] truth, String type) {
    if (map.length != height * width || (truth != null && truth.length != map.length)) {
      throw new IllegalArgumentException(
          "map " + map.length + " and truth " + (truth == null ? "-" : truth.length)
              + " values, expected " + height + " × " + width);
    }
    int[] labels = truth == null ? null : components(truth, height, width);
    int firstRegion = regionCount;
    int typeIndex = -1;
    if (truth != null && type != null && !type.isEmpty()) {
      typeIndex = types.indexOf(type);
      if (typeIndex < 0) {
        types.add(type);
        typeIndex = types.size() - 1;
      }
    }
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int i = y * width + x;
        if (labels != null && labels[i] > 0) {
          int region = firstRegion + labels[i] - 1;
          ensurePositives();
          positives[positiveCount] = map[i];
          positiveType[positiveCount] = typeIndex;
          positiveRegion[positiveCount++] = region;
          ensureRegion(region);
          regionSizes[region]++;
          regionCount = Math.max(regionCount, region + 1);
        } else if (y % stride == 0 && x % stride == 0) {
          if (negativeCount == negatives.length) {
            negatives = Arrays.copyOf(negatives, negatives.length * 2);
          }
          negatives[negativeCount++] = map[i];
        }
      }
    }
  }

  /** Normal pixels kept (after sampling). */
  public int negativeCount() {
    return negativeCount;
  }

  /** Defective pixels kept (all of them). */
  public int positiveCount() {
    return positiveCount;
  }

  /** Ground-truth regions seen. */
  public int regionCount() {
    return regionCount;
  }

  /** Pixel AUROC; NaN without defective or normal pixels. */
  public double auroc() {
    return Metrics.auroc(
        Arrays.copyOf(positives, positiveCount), positiveCount,
        Arrays.copyOf(negatives, negativeCount), negativeCount);
  }

  /**
   * Pixel AUROC of each named defect type: its defective pixels against every normal pixel kept,
   * by type name; NaN for a type where there are no normal pixels.
   */
  public Map<String, Double> aurocPerType() {
    Map<String, Double> perType = new TreeMap<>();
    float[] negativesKept = Arrays.copyOf(negatives, negativeCount);
    for (int t = 0; t < types.size(); t++) {
      float[] own = new float[positiveCount];
      int count = 0;
      for (int i = 0; i < positiveCount; i++) {
        if (positiveType[i] == t) {
          own[count++] = positives[i];
        }
      }
      perType.put(types.get(t), Metrics.auroc(own, count, negativesKept, negativeCount));
    }
    return perType;
  }

  /** AUPRO up to {@code maxFpr}, normalised to [0, 1]; NaN without regions or normal pixels. */
  public double aupro(double maxFpr) {
    if (regionCount == 0 || negativeCount == 0) {
      return Double.NaN;
    }
    int total = negativeCount + positiveCount;
    long[] keys = new long[total];
    for (int i = 0; i < negativeCount; i++) {
      keys[i] = key(negatives[i], i);
    }
    for (int i = 0; i < positiveCount; i++) {
      keys[negativeCount + i] = key(positives[i], negativeCount + i);
    }
    Arrays.sort(keys);
    double[] fpr = new double[total];
    double[] pro = new double[total];
    int points = 0;
    double fp = 0;
    double overlap = 0;
    // Descending threshold: walk the ascending keys from the end; one point per distinct score.
    for (int k = total - 1; k >= 0; k--) {
      int i = (int) keys[k];
      if (i < negativeCount) {
        fp += 1.0 / negativeCount;
      } else {
        overlap += 1.0 / ((double) regionSizes[positiveRegion[i - negativeCount]] * regionCount);
      }
      if (k == 0 || (keys[k - 1] >>> 32) != (keys[k] >>> 32)) {
        fpr[points] = Math.min(1.0, fp);
        pro[points++] = Math.min(1.0, overlap);
      }
    }
    return Metrics.normalizedAreaUpTo(Arrays.copyOf(fpr, points), Arrays.copyOf(pro, points), maxFpr);
  }

  /** Sort key: the float's order-preserving bits in the high word, the index in the low one. */
  private static long key(float value, int index) {
    int bits = Float.floatToIntBits(value == 0f ? 0f : value);
    int ordered = bits >= 0 ? bits : bits ^ Integer.MAX_VALUE;
    return ((long) ordered << 32) | index;
  }

  /** 8-connected components of {@code truth}: 0 for background, 1..n for the regions. */
  static int[] components(boolean[] truth, int height, int width) {
    int[] labels = new int[truth.length];
    int[] stack = new int[truth.length];
    int next = 0;
    for (int start = 0; start < truth.length; start++) {
      if (!truth[start] || labels[start] != 0) {
        continue;
      }
      next++;
      int top = 0;
      stack[top++] = start;
      labels[start] = next;
      while (top > 0) {
        int p = stack[--top];
        int py = p / width;
        int px = p % width;
        for (int dy = -1; dy <= 1; dy++) {
          for (int dx = -1; dx <= 1; dx++) {
            int y = py + dy;
            int x = px + dx;
            if (y >= 0 && y < height && x >= 0 && x < width) {
              int q = y * width + x;
              if (truth[q] && labels[q] == 0) {
                labels[q] = next;
                stack[top++] = q;
              }
            }
          }
        }
      }
    }
    return labels;
  }

  private void ensurePositives() {
    if (positiveCount == positives.length) {
      positives = Arrays.copyOf(positives, positives.length * 2);
      positiveRegion = Arrays.copyOf(positiveRegion, positiveRegion.length * 2);
      positiveType = Arrays.copyOf(positiveType, positiveType.length * 2);
    }
  }

  private void ensureRegion(int region) {
    if (region >= regionSizes.length) {
      regionSizes = Arrays.copyOf(regionSizes, Math.max(region + 1, regionSizes.length * 2));
    }
  }
}
