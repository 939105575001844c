package io.clipline.scoring.memory;

import io.clipline.scoring.internal.Vectors;
import java.util.Arrays;

/**
 * Per-position memory of one (layer, scale) of a scope (docs/SCORING.md §3, "Positional
 * rarity"): the normalised patch features of the last {@code capacity} admitted frames, kept at
 * their grid positions. A patch is compared only with what earlier frames showed at its own cell
 * and the cells within {@code radius} of it, so on a fixed fixture (the part always at the same
 * place) a texture that is normal at one place and wrong at another is still rare there, which
 * position-free rarity ({@link RarityBank}) cannot see.
 *
 * <p>Rarity of patch n: for every stored frame t, the largest cosine similarity of n's feature to
 * t's features in n's window; these are divided by the 99th percentile (the calibration
 * percentile) over the patches of each patch's best similarity and clipped to [0, 1]; the rarity
 * is one minus the mean of the largest {@code topFraction} of them over the stored frames, as in
 * {@link RarityBank}'s step 4. With no frame stored every rarity is 0.
 *
 * <p>A stored frame is quantised to 8 bits with one scale per patch (the largest magnitude of its
 * values over 127): each value is held as its code times that scale. A stored value then differs
 * from the admitted one by at most half its patch's scale, a cosine similarity by about 1e-3 for
 * the shipped model's 96 dimensions. The values stay 32-bit floats in memory, so assessing costs
 * what it did, but a snapshot carries only the codes and scales, a quarter of the bytes, and the
 * positional banks were most of a scope's snapshot. The codes are recovered exactly from the
 * held values, so a restored bank assesses bit for bit like the original.
 *
 * <p>The oldest frame goes when a new one comes past the capacity; {@link #forget} removes a
 * frame an operator labelled NG. Seeds (k-shot) are stored like any frame and age out like any
 * frame. Not thread-safe.
 */
public final class PositionalBank {
  final int rows;
  final int cols;
  final int dim;
  final int capacity;
  final int radius;
  final double calibrationPercentile;
  final double topFraction;

  /** Quantisation levels on either side of 0. */
  static final int LEVELS = 127;

  // Frames in logical order: slot (start + i) % capacity holds the i-th oldest frame, its values
  // (codes times scales) and its scale per patch; a slot's arrays are allocated when first
  // filled, so a young scope holds only what it has seen.
  final float[][] frames;
  final float[][] scales;
  final long[] source;
  int start;
  int count;
  private long modCount;

  /** An empty bank; arguments are validated by the caller's configuration. */
  public PositionalBank(
      int rows, int cols, int dim, int capacity, int radius, double calibrationPercentile,
      double topFraction) {
    if (rows <= 0 || cols <= 0 || dim <= 0 || capacity <= 0 || radius < 0) {
      throw new IllegalArgumentException(
          "rows, cols, dim and capacity must be > 0 and radius >= 0, got rows=" + rows
              + " cols=" + cols + " dim=" + dim + " capacity=" + capacity + " radius=" + radius);
    }
    this.rows = rows;
    this.cols = cols;
    this.dim = dim;
    this.capacity = capacity;
    this.radius = radius;
    this.calibrationPercentile = calibrationPercentile;
    this.topFraction = topFraction;
    this.frames = new float[capacity][];
    this.scales = new float[capacity][];
    this.source = new long[capacity];
  }

  /** Frames stored. */
  public int size() {
    return count;
  }

  /** The most frames stored. */
  public int capacity() {
    return capacity;
  }

  /**
   * Assesses the {@code rows x cols} L2-normalised features {@code x} (kept by reference until
   * {@link Assessment#admit}; do not change them in between).
   */
  public Assessment assess(float[] x) {
    int p = rows * cols;
    if (x.length != p * dim) {
      throw new IllegalArgumentException(
          "expected " + p + " x " + dim + " features, got " + x.length + " values");
    }
    float[] rarity = new float[p];
    if (count == 0) {
      return new Assessment(x, rarity, modCount);
    }
    int t = count;
    float[] best = new float[p * t]; // patch-major: best[n * t + i]
    float[] bestOfPatch = new float[p];
    Arrays.fill(bestOfPatch, Float.NEGATIVE_INFINITY);
    for (int i = 0; i < t; i++) {
      float[] frame = frames[slot(i)];
      for (int n = 0; n < p; n++) {
        int rn = n / cols;
        int cn = n % cols;
        float b = Float.NEGATIVE_INFINITY;
        int c0 = Math.max(0, cn - radius);
        int c1 = Math.min(cols - 1, cn + radius);
        for (int r = Math.max(0, rn - radius); r <= Math.min(rows - 1, rn + radius); r++) {
          b = Math.max(b, bestInRow(x, n * dim, frame, (r * cols + c0) * dim, c1 - c0 + 1, dim));
        }
        best[n * t + i] = b;
        if (b > bestOfPatch[n]) {
          bestOfPatch[n] = b;
        }
      }
    }
    double q = Vectors.percentile(bestOfPatch, p, calibrationPercentile);
    float inv = (float) (1.0 / (q > 0 ? q : 1.0));
    int keep = Math.max(1, (int) Math.ceil(topFraction * t - 1e-9));
    float[] column = new float[t];
    for (int n = 0; n < p; n++) {
      for (int i = 0; i < t; i++) {
        float v = best[n * t + i] * inv;
        column[i] = v > 1f ? 1f : (v > 0f ? v : 0f);
      }
      double present = Vectors.sumOfLargest(column, t, keep) / keep;
      rarity[n] = (float) Math.min(1.0, Math.max(0.0, 1.0 - present));
    }
    return new Assessment(x, rarity, modCount);
  }

  /**
   * The largest dot product of the {@code dim} values of {@code x} from {@code xOff} with {@code
   * cells} consecutive cells of {@code frame} from {@code off}. Three cells share one pass over
   * the dimensions (three accumulators, so the loads of x are shared and the sums run side by
   * side); each sum still runs in dimension order, so every product equals {@link Vectors#dot}'s
   * bit for bit.
   */
  private static float bestInRow(float[] x, int xOff, float[] frame, int off, int cells, int dim) {
    float best = Float.NEGATIVE_INFINITY;
    int c = 0;
    for (; c + 2 < cells; c += 3) {
      int o0 = off + c * dim;
      int o1 = o0 + dim;
      int o2 = o1 + dim;
      float a0 = 0f;
      float a1 = 0f;
      float a2 = 0f;
      for (int d = 0; d < dim; d++) {
        float v = x[xOff + d];
        a0 += v * frame[o0 + d];
        a1 += v * frame[o1 + d];
        a2 += v * frame[o2 + d];
      }
      best = Math.max(best, Math.max(a0, Math.max(a1, a2)));
    }
    for (; c < cells; c++) {
      best = Math.max(best, Vectors.dot(x, xOff, frame, off + c * dim, dim));
    }
    return best;
  }

  /**
   * Removes the frame with sequence number {@code sequence}, if stored (an operator labelled it
   * NG); true when it was.
   */
  public boolean forget(long sequence) {
    for (int i = 0; i < count; i++) {
      if (source[slot(i)] == sequence) {
        float[] freedFrame = frames[slot(i)];
        float[] freedScales = scales[slot(i)];
        for (int j = i; j + 1 < count; j++) {
          frames[slot(j)] = frames[slot(j + 1)];
          scales[slot(j)] = scales[slot(j + 1)];
          source[slot(j)] = source[slot(j + 1)];
        }
        frames[slot(count - 1)] = freedFrame; // reused by the next append
        scales[slot(count - 1)] = freedScales;
        count--;
        modCount++;
        return true;
      }
    }
    return false;
  }

  /** Sequence numbers of the stored frames, oldest first. */
  long[] sequences() {
    long[] out = new long[count];
    for (int i = 0; i < count; i++) {
      out[i] = source[slot(i)];
    }
    return out;
  }

  /** Appends a frame, quantised (used by {@link Assessment#admit}). */
  void append(float[] x, long sequence) {
    int s = nextSlot(sequence);
    float[] held = frames[s];
    float[] scale = scales[s];
    for (int n = 0; n < rows * cols; n++) {
      float max = 0f;
      for (int d = n * dim; d < (n + 1) * dim; d++) {
        max = Math.max(max, Math.abs(x[d]));
      }
      float sn = max / LEVELS;
      float inv = max > 0f ? LEVELS / max : 0f;
      scale[n] = sn;
      for (int d = n * dim; d < (n + 1) * dim; d++) {
        held[d] = Math.round(x[d] * inv) * sn;
      }
    }
    modCount++;
  }

  /** Appends a frame's codes and scales as {@link #copyCodes} gave them (used by the codec). */
  void appendCodes(byte[] frameCodes, float[] frameScales, long sequence) {
    int s = nextSlot(sequence);
    float[] held = frames[s];
    System.arraycopy(frameScales, 0, scales[s], 0, frameScales.length);
    for (int n = 0; n < rows * cols; n++) {
      float sn = frameScales[n];
      for (int d = n * dim; d < (n + 1) * dim; d++) {
        held[d] = frameCodes[d] * sn;
      }
    }
    modCount++;
  }

  /** The slot the next frame goes to, allocated, the oldest dropped past the capacity. */
  private int nextSlot(long sequence) {
    int s;
    if (count < capacity) {
      s = slot(count);
      count++;
    } else {
      s = start;
      start = (start + 1) % capacity;
    }
    if (frames[s] == null) {
      frames[s] = new float[rows * cols * dim];
      scales[s] = new float[rows * cols];
    }
    source[s] = sequence;
    return s;
  }

  /**
   * The codes and scales of the i-th oldest stored frame (the codec writes these). A held value
   * is its code times its scale in float, so dividing by the scale gives the code to within a
   * few ulps and rounding gives it exactly.
   */
  void copyCodes(int i, byte[] codesOut, float[] scalesOut) {
    float[] held = frames[slot(i)];
    float[] scale = scales[slot(i)];
    System.arraycopy(scale, 0, scalesOut, 0, scalesOut.length);
    for (int n = 0; n < rows * cols; n++) {
      float sn = scale[n];
      for (int d = n * dim; d < (n + 1) * dim; d++) {
        codesOut[d] = sn > 0f ? (byte) Math.round(held[d] / sn) : 0;
      }
    }
  }

  /** The features of the i-th oldest stored frame as they are held: codes times scales. */
  void copyFrame(int i, float[] out) {
    System.arraycopy(frames[slot(i)], 0, out, 0, out.length);
  }

  private int slot(int logical) {
    int s = start + logical;
    return s >= capacity ? s - capacity : s;
  }

  /** What the bank made of one frame; {@link #admit} stores the frame. */
  public final class Assessment {
    private final float[] x;
    private final float[] rarity;
    private final long madeAt;

    private Assessment(float[] x, float[] rarity, long madeAt) {
      this.x = x;
      this.rarity = rarity;
      this.madeAt = madeAt;
    }

    /** Positional rarity per patch in [0, 1]. */
    public float[] rarity() {
      return rarity;
    }

    /**
     * Stores the assessed frame as frame {@code sequence}; refused when the bank changed since
     * the assessment.
     */
    public void admit(long sequence) {
      if (madeAt != modCount) {
        throw new IllegalStateException("the positional bank changed since this assessment");
      }
      append(x, sequence);
    }
  }
}
