package io.clipline.scoring.memory;

import io.clipline.scoring.internal.Vectors;

/**
 * Online robust normalisation of image scores over a bounded window of recent raw scores: {@code
 * (raw - median) / max(1.4826 * MAD, epsilon)}.
 */
public final class RobustNormalizer {
  private final double[] window;
  private final double epsilon;
  private int start;
  private int size;
  private double median = Double.NaN;
  private double scale = Double.NaN;

  /** Creates an empty normaliser over the last {@code capacity} scores. */
  public RobustNormalizer(int capacity, double epsilon) {
    this.window = new double[capacity];
    this.epsilon = epsilon;
  }

  /** Number of scores held. */
  public int size() {
    return size;
  }

  /** Window capacity. */
  public int capacity() {
    return window.length;
  }

  /** Median of the window (NaN when empty). */
  public double median() {
    return median;
  }

  /** Robust scale 1.4826 * MAD, floored at epsilon (NaN when empty). */
  public double scale() {
    return scale;
  }

  /** Normalises a raw score with the current statistics; 0 when the window is empty. */
  public double normalize(double raw) {
    return size == 0 ? 0.0 : (raw - median) / scale;
  }

  /** Inverse of {@link #normalize}: the raw score that normalises to {@code z}. */
  public double denormalize(double z) {
    return size == 0 ? z : median + z * scale;
  }

  /** Adds a raw score, dropping the oldest when full, and refreshes median and MAD. */
  public void add(double raw) {
    if (size < window.length) {
      window[(start + size) % window.length] = raw;
      size++;
    } else {
      window[start] = raw;
      start = (start + 1) % window.length;
    }
    refresh();
  }

  private void refresh() {
    double[] v = values();
    median = Vectors.median(v, size);
    for (int i = 0; i < size; i++) {
      v[i] = Math.abs(v[i] - median);
    }
    scale = Math.max(1.4826 * Vectors.median(v, size), epsilon);
  }

  /** The held raw scores, oldest first. */
  public double[] values() {
    double[] v = new double[size];
    for (int i = 0; i < size; i++) {
      v[i] = window[(start + i) % window.length];
    }
    return v;
  }

  /** The floor of the robust scale. */
  public double epsilon() {
    return epsilon;
  }

  /** Sets the window to {@code values} (oldest first), as {@link ScopeStateCodec} reads it. */
  void restore(double[] values) {
    System.arraycopy(values, 0, window, 0, values.length);
    start = 0;
    size = values.length;
    if (size > 0) {
      refresh();
    }
  }
}
