package io.clipline.scoring.post;

import java.util.Arrays;

/**
 * The distribution of a scope's good-frame image scores, fitted to the lower part of its recent
 * raw scores, so that a threshold for a target false-reject rate holds while defective frames are
 * in the stream (docs/SCORING.md §4).
 *
 * <p>The image score is the peak of an anomaly map, a maximum over many patches, so its law on
 * good frames is modelled as a Gumbel distribution {@code F(x) = exp(-exp(-(x - location) /
 * scale))}, the limit law of maxima with light tails. Defective frames score high, so they sit in
 * the upper part of the recent scores: the fit uses only the empirical quantiles at levels {@link
 * #LEVELS} (5 % to 50 %), a least-squares line through {@code (−ln(−ln p), quantile(p))}, and the
 * upper tail is extrapolated from it. Up to about a third of defective frames leave those
 * quantiles nearly as good frames alone would put them. {@link #rejectLimit} places a threshold
 * that holds its rate on average over fits to few scores, too.
 */
public final class GoodScoreFit {
  /** Quantile levels the fit uses: the lower half of the recent scores. */
  static final double[] LEVELS = {0.05, 0.10, 0.15, 0.20, 0.25, 0.30, 0.35, 0.40, 0.45, 0.50};
  /** Fewer recent scores than this give no fit. */
  public static final int MIN_SCORES = 10;

  private final double location;
  private final double scale;
  private final int size;

  private GoodScoreFit(double location, double scale, int size) {
    this.location = location;
    this.scale = scale;
    this.size = size;
  }

  /**
   * Fits {@code rawScores} (any order; not modified); null with fewer than {@link #MIN_SCORES}
   * finite scores. A scale that comes out below {@code minScale} (all scores nearly equal) is
   * raised to it.
   */
  public static GoodScoreFit of(double[] rawScores, double minScale) {
    double[] v = Arrays.stream(rawScores).filter(Double::isFinite).sorted().toArray();
    if (v.length < MIN_SCORES) {
      return null;
    }
    double meanG = 0;
    double meanQ = 0;
    double[] g = new double[LEVELS.length];
    double[] q = new double[LEVELS.length];
    for (int i = 0; i < LEVELS.length; i++) {
      g[i] = reducedVariate(LEVELS[i]);
      q[i] = quantile(v, LEVELS[i]);
      meanG += g[i] / LEVELS.length;
      meanQ += q[i] / LEVELS.length;
    }
    double cov = 0;
    double var = 0;
    for (int i = 0; i < LEVELS.length; i++) {
      cov += (g[i] - meanG) * (q[i] - meanQ);
      var += (g[i] - meanG) * (g[i] - meanG);
    }
    double scale = Math.max(cov / var, minScale);
    return new GoodScoreFit(meanQ - scale * meanG, scale, v.length);
  }

  /** The fitted good-frame score below which a share {@code p} of good frames falls. */
  public double quantile(double p) {
    if (!(p > 0 && p < 1)) {
      throw new IllegalArgumentException("p must be in (0, 1), got " + p);
    }
    return location + scale * reducedVariate(p);
  }

  /**
   * The NG limit for a target false-reject rate: the score that good frames exceed with mean
   * probability {@code rate}, allowing for this fit's own sampling error. It lies above {@link
   * #quantile quantile(1 - rate)}, by more the fewer scores were fitted ({@link
   * SampleSizeCorrection}); the nominal quantile alone rejects 2.9 % of good frames on average
   * when fitted to 20 scores and 1 % is asked for.
   *
   * @param rate the target false-reject rate, in (0, 0.5]
   */
  public double rejectLimit(double rate) {
    return location + scale * SampleSizeCorrection.reducedVariate(size, rate);
  }

  /** The fitted location (the mode of the Gumbel law). */
  public double location() {
    return location;
  }

  /** The fitted scale. */
  public double scale() {
    return scale;
  }

  /** {@code −ln(−ln p)}: the Gumbel quantile of level {@code p} in standard units. */
  static double reducedVariate(double p) {
    return -Math.log(-Math.log(p));
  }

  /** Linear-interpolation quantile of ascending {@code v}. */
  private static double quantile(double[] v, double p) {
    double pos = p * (v.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(v.length - 1, lo + 1);
    return v[lo] + (pos - lo) * (v[hi] - v[lo]);
  }
}
