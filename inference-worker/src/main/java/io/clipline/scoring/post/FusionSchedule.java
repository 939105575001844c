package io.clipline.scoring.post;

import io.clipline.scoring.ScoringConfig;

/**
 * RareCLIP's warm-up fusion of the rarity map and the text map (docs/SCORING.md §3): text only
 * for a scope's first {@link ScoringConfig#textOnlyFrames()} frames (or while its memory is
 * empty), then the early weights up to {@link ScoringConfig#earlyFrames()}, then the late
 * weights. Without a text map the rarity map is used as it is. Immutable.
 */
public final class FusionSchedule {
  private final int textOnlyFrames;
  private final int earlyFrames;
  private final double earlyRarityWeight;
  private final double earlyTextWeight;
  private final double lateRarityWeight;
  private final double lateTextWeight;

  /** The schedule {@code config} describes. */
  public FusionSchedule(ScoringConfig config) {
    this.textOnlyFrames = config.textOnlyFrames();
    this.earlyFrames = config.earlyFrames();
    this.earlyRarityWeight = config.earlyRarityWeight();
    this.earlyTextWeight = config.earlyTextWeight();
    this.lateRarityWeight = config.lateRarityWeight();
    this.lateTextWeight = config.lateTextWeight();
  }

  /**
   * The fused patch map of the scope's frame {@code sequence} (1-based), whose memory held
   * {@code memoryImages} images; a new array, the inputs are not changed.
   *
   * @param rarity rarity per patch
   * @param textMap text probability per patch, or null without a text branch
   */
  public float[] fuse(long sequence, int memoryImages, float[] rarity, float[] textMap) {
    if (textMap == null) {
      return rarity.clone();
    }
    if (sequence <= textOnlyFrames || memoryImages == 0) {
      return textMap.clone();
    }
    boolean early = sequence <= earlyFrames;
    double wr = early ? earlyRarityWeight : lateRarityWeight;
    double wt = early ? earlyTextWeight : lateTextWeight;
    float[] out = new float[rarity.length];
    for (int n = 0; n < out.length; n++) {
      out[n] = (float) (wr * rarity[n] + wt * textMap[n]);
    }
    return out;
  }
}
