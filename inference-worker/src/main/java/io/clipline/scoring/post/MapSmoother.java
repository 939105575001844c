package io.clipline.scoring.post;

import io.clipline.scoring.ScoringConfig;
import io.clipline.scoring.internal.MapOps;

/**
 * Turns a patch map into the anomaly map (docs/SCORING.md §3): bilinear upsampling from the patch
 * grid to the output size, then a Gaussian blur whose sigma is {@link
 * ScoringConfig#blurSigma(int, int)} (4 pixels at 518, scaled with the output). Immutable.
 */
public final class MapSmoother {
  private final ScoringConfig config;

  /** The smoothing {@code config} describes. */
  public MapSmoother(ScoringConfig config) {
    this.config = config;
  }

  /** The {@code height x width} anomaly map of a {@code rows x cols} patch map; a new array. */
  public float[] smooth(float[] patchMap, int rows, int cols, int height, int width) {
    return MapOps.gaussianBlur(
        MapOps.resizeBilinear(patchMap, rows, cols, height, width), height, width,
        config.blurSigma(height, width));
  }
}
