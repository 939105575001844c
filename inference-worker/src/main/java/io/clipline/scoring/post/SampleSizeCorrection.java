package io.clipline.scoring.post;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * How far above its nominal level a {@link GoodScoreFit} from {@code n} scores must put the NG
 * limit so that good frames exceed it at the target rate on average, the fit's own sampling error
 * included (docs/SCORING.md §4).
 *
 * <p>A quantile extrapolated from a fit to few scores scatters around the true one, and the
 * false-reject rate is convex in it: a limit set a little low rejects more good frames than one set
 * as much too high saves. So the nominal {@code 1 - rate} quantile of a fit to 20 Gumbel scores is
 * exceeded by 2.9 % of good frames on average when 1 % is asked for (1.7 % from 50 scores, 1.3 %
 * from 100, 1.06 % from 500). This class finds the reduced variate {@code y} for which the mean
 * exceedance {@code E[1 - F(location + scale * y)]}, over fits to {@code n} scores drawn from the
 * fitted law itself, equals the rate. The fit is equivariant in location and scale, so {@code y}
 * depends on {@code n} and the rate alone; it is estimated once per sample size of a fixed grid
 * by Monte Carlo with fixed seeds (deterministic) and interpolated linearly in {@code 1 / n}
 * between grid points, and beyond the grid it approaches the nominal variate as {@code 1 / n}.
 */
final class SampleSizeCorrection {
  /** Simulated fits per grid point. */
  static final int FITS = 2_000;
  private static final long SEED = 0x5EED_C11BL;
  /** Largest grid sample size; above it the correction is extrapolated as {@code 1 / n}. */
  static final int GRID_MAX = 2_000;
  /**
   * Sample sizes where the variate is simulated: from {@link GoodScoreFit#MIN_SCORES}, 20 % apart.
   */
  static final int[] GRID = grid();

  private static final ConcurrentMap<Key, Double> SIMULATED = new ConcurrentHashMap<>();

  private record Key(int n, double rate) {}

  private SampleSizeCorrection() {}

  /**
   * The reduced variate at which the NG limit of a fit to {@code n} scores gives the mean
   * false-reject rate {@code rate}; at least {@link GoodScoreFit#reducedVariate} of {@code 1 -
   * rate} for large {@code n}.
   *
   * @param n the number of scores fitted, at least {@link GoodScoreFit#MIN_SCORES}
   * @param rate the target false-reject rate, in (0, 0.5]
   */
  static double reducedVariate(int n, double rate) {
    if (n < GoodScoreFit.MIN_SCORES) {
      throw new IllegalArgumentException(
          "a fit needs at least " + GoodScoreFit.MIN_SCORES + " scores, got " + n);
    }
    if (!(rate > 0 && rate <= 0.5)) {
      throw new IllegalArgumentException("rate must be in (0, 0.5], got " + rate);
    }
    double nominal = GoodScoreFit.reducedVariate(1 - rate);
    if (n >= GRID_MAX) {
      return nominal + (simulated(GRID_MAX, rate) - nominal) * GRID_MAX / n;
    }
    int hi = Arrays.binarySearch(GRID, n);
    if (hi >= 0) {
      return simulated(n, rate);
    }
    hi = -hi - 1;
    int lo = hi - 1;
    double yLo = simulated(GRID[lo], rate);
    double yHi = simulated(GRID[hi], rate);
    double t = (1.0 / GRID[lo] - 1.0 / n) / (1.0 / GRID[lo] - 1.0 / GRID[hi]);
    return yLo + t * (yHi - yLo);
  }

  /** Simulates every grid point that fits to up to {@code maxN} scores use, at {@code rate}. */
  static void prepare(double rate, int maxN) {
    for (int n : GRID) {
      reducedVariate(n, rate);
      if (n >= maxN) {
        return;
      }
    }
  }

  private static double simulated(int n, double rate) {
    return SIMULATED.computeIfAbsent(new Key(n, rate), key -> simulate(key.n(), key.rate()));
  }

  /** Bisects the mean exceedance over {@link #FITS} fits to {@code n} standard Gumbel scores. */
  private static double simulate(int n, double rate) {
    double[] location = new double[FITS];
    double[] scale = new double[FITS];
    double[] scores = new double[n];
    for (int i = 0; i < FITS; i++) {
      // Fit i draws from a stream of its own, the same for every n, so neighbouring grid points
      // share their samples and their variates do not cross by simulation noise.
      SplittableRandom random = new SplittableRandom(SEED + i);
      for (int j = 0; j < n; j++) {
        scores[j] = GoodScoreFit.reducedVariate(random.nextDouble()); // a standard Gumbel draw
      }
      GoodScoreFit fit = GoodScoreFit.of(scores, 1e-9);
      location[i] = fit.location();
      scale[i] = fit.scale();
    }
    double lo = GoodScoreFit.reducedVariate(1 - rate) - 2;
    double hi = lo + 60;
    for (int step = 0; step < 60; step++) {
      double y = (lo + hi) / 2;
      if (meanExceedance(location, scale, y) > rate) {
        lo = y;
      } else {
        hi = y;
      }
    }
    return hi;
  }

  /** The mean over the fits of the standard Gumbel exceedance of {@code location + scale * y}. */
  private static double meanExceedance(double[] location, double[] scale, double y) {
    double sum = 0;
    for (int i = 0; i < location.length; i++) {
      sum += -Math.expm1(-Math.exp(-(location[i] + scale[i] * y)));
    }
    return sum / location.length;
  }

  private static int[] grid() {
    int[] g = new int[64];
    int count = 0;
    for (int n = GoodScoreFit.MIN_SCORES; n < GRID_MAX; n = Math.max(n + 1, (int) (n * 1.2))) {
      g[count++] = n;
    }
    g[count++] = GRID_MAX;
    return Arrays.copyOf(g, count);
  }
}
