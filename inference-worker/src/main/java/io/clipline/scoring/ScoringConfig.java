package io.clipline.scoring;

/**
 * Scoring parameters, published defaults in {@link #defaults()} (docs/SCORING.md §3–§5).
 *
 * @param k nearest prototypes per patch (3)
 * @param calibrationPercentile percentile of the N x k similarities used as divisor (0.99)
 * @param topFraction fraction of stored images whose presence is averaged (0.10; RareCLIP's 0.30
 *     measured lower on both shared tune splits, docs/QUALITY.md)
 * @param maxImageRows rows of the presence matrix, i.e. recent images remembered (200)
 * @param prototypesPerPatch prototype cap C_F as a multiple of patches per image (3)
 * @param textOnlyFrames first frames of a scope fused from the text term only (1)
 * @param earlyFrames last frame number (1-based) using the early fusion weights (4)
 * @param earlyRarityWeight rarity weight up to {@code earlyFrames} (2/3)
 * @param earlyTextWeight text weight up to {@code earlyFrames} (2/3)
 * @param lateRarityWeight rarity weight afterwards (4/3)
 * @param lateTextWeight text weight afterwards (1/3)
 * @param warmupFrames frames per scope reported UNSURE while statistics build up (20)
 * @param blurSigmaAt518 Gaussian sigma in pixels for a 518-pixel map, scaled to the output (4)
 * @param normalizationWindow recent image scores kept for median / MAD (500)
 * @param normalizationEpsilon floor of the robust scale, in raw-score units (0.01: raw scores
 *     lie around [0, 2], and in a scope's first frames the spread is about 0, which gave
 *     z-scores of 10^5 with a floor of 1e-6)
 * @param thresholds default decision thresholds of a new scope
 * @param learnFromUnsure whether UNSURE frames enter the memory (true); NG frames never do
 * @param maxRegions regions reported per frame, largest peak first (16)
 * @param typeTemperature zero-shot defect-type logit scale, as CLIP's (100)
 * @param fewShotBeta Tip-Adapter sharpness beta (32)
 * @param fewShotTemperature Tip-Adapter logit temperature (0.11)
 * @param maxFewShotExamples labelled regions kept per scope, oldest dropped first (500)
 * @param imageRarityWeight weight of the image-level rarity (the foreground mean feature against
 *     those of past images) added to the image score (1; 0 turns it off)
 * @param peakFraction share of the anomaly map's pixels, largest first, whose mean is the map's
 *     part of the image score (0.02; 0 takes the maximum alone): a small defect still fills 2 % of
 *     the map's pixels near its peak, while one noisy patch of a good frame does not, so the mean
 *     of the top 2 % separates better than the peak (docs/QUALITY.md, docs/SCORING.md §3)
 * @param withinFrameWeight share w in [0, 1] of the within-frame rarity (each patch against the
 *     rest of its own frame) in the patch rarity, {@code (1 - w) * memory + w * within}, and with
 *     w > 0 the within-frame term alone while a scope's memory is empty (0, off: it measured
 *     lower on both shared tune splits at every weight tried, docs/QUALITY.md)
 * @param positionalWeight share v in [0, 1] of the positional rarity (each patch against what the
 *     last frames showed at its own grid cell and the cells around it) in every patch bank's
 *     rarity, {@code (1 - v) * position-free + v * positional}, once a frame is stored (0.5: on
 *     both shared tune splits it raised image AUROC, and weights up to 1 tied it, docs/QUALITY.md;
 *     0 for parts whose position varies, which the worker's {@code scoring.positional.weight}
 *     sets)
 * @param positionalFrames frames the positional memory keeps per bank, oldest dropped first (50)
 * @param positionalRadius cells around a patch, in rows and columns, that count as its position
 *     (1: a 3 x 3 window, which absorbs a shift of a part by up to one cell)
 */
public record ScoringConfig(
    int k,
    double calibrationPercentile,
    double topFraction,
    int maxImageRows,
    int prototypesPerPatch,
    int textOnlyFrames,
    int earlyFrames,
    double earlyRarityWeight,
    double earlyTextWeight,
    double lateRarityWeight,
    double lateTextWeight,
    int warmupFrames,
    double blurSigmaAt518,
    int normalizationWindow,
    double normalizationEpsilon,
    Thresholds thresholds,
    boolean learnFromUnsure,
    int maxRegions,
    double typeTemperature,
    double fewShotBeta,
    double fewShotTemperature,
    int maxFewShotExamples,
    double imageRarityWeight,
    double peakFraction,
    double withinFrameWeight,
    double positionalWeight,
    int positionalFrames,
    int positionalRadius) {

  /** Validates every field; messages name the field. */
  public ScoringConfig {
    positive("k", k);
    if (!(calibrationPercentile > 0 && calibrationPercentile <= 1)) {
      throw bad("calibrationPercentile", "in (0, 1]", calibrationPercentile);
    }
    if (!(topFraction > 0 && topFraction <= 1)) {
      throw bad("topFraction", "in (0, 1]", topFraction);
    }
    positive("maxImageRows", maxImageRows);
    positive("prototypesPerPatch", prototypesPerPatch);
    if (textOnlyFrames < 0) {
      throw bad("textOnlyFrames", ">= 0", textOnlyFrames);
    }
    if (earlyFrames < textOnlyFrames) {
      throw new IllegalArgumentException(
          "ScoringConfig.earlyFrames must be >= ScoringConfig.textOnlyFrames, got earlyFrames="
              + earlyFrames + " textOnlyFrames=" + textOnlyFrames);
    }
    nonNegative("earlyRarityWeight", earlyRarityWeight);
    nonNegative("earlyTextWeight", earlyTextWeight);
    nonNegative("lateRarityWeight", lateRarityWeight);
    nonNegative("lateTextWeight", lateTextWeight);
    if (warmupFrames < 0) {
      throw bad("warmupFrames", ">= 0", warmupFrames);
    }
    nonNegative("blurSigmaAt518", blurSigmaAt518);
    if (normalizationWindow < 3) {
      throw bad("normalizationWindow", ">= 3", normalizationWindow);
    }
    if (!(normalizationEpsilon > 0) || Double.isInfinite(normalizationEpsilon)) {
      throw bad("normalizationEpsilon", "finite and > 0", normalizationEpsilon);
    }
    if (thresholds == null) {
      throw new IllegalArgumentException("ScoringConfig.thresholds must not be null");
    }
    positive("maxRegions", maxRegions);
    if (!(typeTemperature > 0) || Double.isInfinite(typeTemperature)) {
      throw bad("typeTemperature", "finite and > 0", typeTemperature);
    }
    nonNegative("fewShotBeta", fewShotBeta);
    if (!(fewShotTemperature > 0) || Double.isInfinite(fewShotTemperature)) {
      throw bad("fewShotTemperature", "finite and > 0", fewShotTemperature);
    }
    positive("maxFewShotExamples", maxFewShotExamples);
    nonNegative("imageRarityWeight", imageRarityWeight);
    if (!(peakFraction >= 0 && peakFraction < 1)) {
      throw bad("peakFraction", "in [0, 1)", peakFraction);
    }
    if (!(withinFrameWeight >= 0 && withinFrameWeight <= 1)) {
      throw bad("withinFrameWeight", "in [0, 1]", withinFrameWeight);
    }
    if (!(positionalWeight >= 0 && positionalWeight <= 1)) {
      throw bad("positionalWeight", "in [0, 1]", positionalWeight);
    }
    positive("positionalFrames", positionalFrames);
    if (positionalRadius < 0) {
      throw bad("positionalRadius", ">= 0", positionalRadius);
    }
  }


  /** The published defaults. */
  public static ScoringConfig defaults() {
    return new ScoringConfig(
        3, 0.99, 0.10, 200, 3, 1, 4, 2.0 / 3, 2.0 / 3, 4.0 / 3, 1.0 / 3, 20, 4.0, 500, 0.01,
        // NG from the estimated 99th percentile of good frames' scores (a 1 % false-reject
        // target, fitted to the lower part of recent scores so defects do not pull it up), OK one
        // robust sigma below it, UNSURE (review) between; lines set their own with setThresholds.
        Thresholds.forFalseRejectRate(0.01, 1.0), true, 16, 100.0, 32.0, 0.11, 500, 1.0, 0.02,
        0.0, 0.5, 50, 1);
  }

  /** Prototype cap C_F for images of {@code patches} patches. */
  public int prototypeCap(int patches) {
    return prototypesPerPatch * patches;
  }

  /** Blur sigma in pixels for an output map of the given size. */
  public double blurSigma(int height, int width) {
    return blurSigmaAt518 * Math.max(height, width) / 518.0;
  }

  /** A builder starting from {@link #defaults()}. */
  public static Builder builder() {
    return defaults().toBuilder();
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Builds a {@link ScoringConfig} from another one, changing some fields: {@code
   * ScoringConfig.builder().warmupFrames(5).memory(30, 3).build()}. {@link #build} validates as
   * the record's constructor does. Not thread-safe; reusable.
   */
  public static final class Builder {
    private int k;
    private double calibrationPercentile;
    private double topFraction;
    private int maxImageRows;
    private int prototypesPerPatch;
    private int textOnlyFrames;
    private int earlyFrames;
    private double earlyRarityWeight;
    private double earlyTextWeight;
    private double lateRarityWeight;
    private double lateTextWeight;
    private int warmupFrames;
    private double blurSigmaAt518;
    private int normalizationWindow;
    private double normalizationEpsilon;
    private Thresholds thresholds;
    private boolean learnFromUnsure;
    private int maxRegions;
    private double typeTemperature;
    private double fewShotBeta;
    private double fewShotTemperature;
    private int maxFewShotExamples;
    private double imageRarityWeight;
    private double peakFraction;
    private double withinFrameWeight;
    private double positionalWeight;
    private int positionalFrames;
    private int positionalRadius;

    private Builder(ScoringConfig from) {
      k = from.k;
      calibrationPercentile = from.calibrationPercentile;
      topFraction = from.topFraction;
      maxImageRows = from.maxImageRows;
      prototypesPerPatch = from.prototypesPerPatch;
      textOnlyFrames = from.textOnlyFrames;
      earlyFrames = from.earlyFrames;
      earlyRarityWeight = from.earlyRarityWeight;
      earlyTextWeight = from.earlyTextWeight;
      lateRarityWeight = from.lateRarityWeight;
      lateTextWeight = from.lateTextWeight;
      warmupFrames = from.warmupFrames;
      blurSigmaAt518 = from.blurSigmaAt518;
      normalizationWindow = from.normalizationWindow;
      normalizationEpsilon = from.normalizationEpsilon;
      thresholds = from.thresholds;
      learnFromUnsure = from.learnFromUnsure;
      maxRegions = from.maxRegions;
      typeTemperature = from.typeTemperature;
      fewShotBeta = from.fewShotBeta;
      fewShotTemperature = from.fewShotTemperature;
      maxFewShotExamples = from.maxFewShotExamples;
      imageRarityWeight = from.imageRarityWeight;
      peakFraction = from.peakFraction;
      withinFrameWeight = from.withinFrameWeight;
      positionalWeight = from.positionalWeight;
      positionalFrames = from.positionalFrames;
      positionalRadius = from.positionalRadius;
    }

    /** Sets {@link ScoringConfig#k()}. */
    public Builder k(int value) {
      k = value;
      return this;
    }

    /** Sets {@link ScoringConfig#calibrationPercentile()}. */
    public Builder calibrationPercentile(double value) {
      calibrationPercentile = value;
      return this;
    }

    /** Sets {@link ScoringConfig#topFraction()}. */
    public Builder topFraction(double value) {
      topFraction = value;
      return this;
    }

    /** Sets {@link ScoringConfig#maxImageRows()}. */
    public Builder maxImageRows(int value) {
      maxImageRows = value;
      return this;
    }

    /** Sets {@link ScoringConfig#prototypesPerPatch()}. */
    public Builder prototypesPerPatch(int value) {
      prototypesPerPatch = value;
      return this;
    }

    /** Sets {@link ScoringConfig#textOnlyFrames()}. */
    public Builder textOnlyFrames(int value) {
      textOnlyFrames = value;
      return this;
    }

    /** Sets {@link ScoringConfig#earlyFrames()}. */
    public Builder earlyFrames(int value) {
      earlyFrames = value;
      return this;
    }

    /** Sets {@link ScoringConfig#earlyRarityWeight()}. */
    public Builder earlyRarityWeight(double value) {
      earlyRarityWeight = value;
      return this;
    }

    /** Sets {@link ScoringConfig#earlyTextWeight()}. */
    public Builder earlyTextWeight(double value) {
      earlyTextWeight = value;
      return this;
    }

    /** Sets {@link ScoringConfig#lateRarityWeight()}. */
    public Builder lateRarityWeight(double value) {
      lateRarityWeight = value;
      return this;
    }

    /** Sets {@link ScoringConfig#lateTextWeight()}. */
    public Builder lateTextWeight(double value) {
      lateTextWeight = value;
      return this;
    }

    /** Sets {@link ScoringConfig#warmupFrames()}. */
    public Builder warmupFrames(int value) {
      warmupFrames = value;
      return this;
    }

    /** Sets {@link ScoringConfig#blurSigmaAt518()}. */
    public Builder blurSigmaAt518(double value) {
      blurSigmaAt518 = value;
      return this;
    }

    /** Sets {@link ScoringConfig#normalizationWindow()}. */
    public Builder normalizationWindow(int value) {
      normalizationWindow = value;
      return this;
    }

    /** Sets {@link ScoringConfig#normalizationEpsilon()}. */
    public Builder normalizationEpsilon(double value) {
      normalizationEpsilon = value;
      return this;
    }

    /** Sets {@link ScoringConfig#thresholds()}. */
    public Builder thresholds(Thresholds value) {
      thresholds = value;
      return this;
    }

    /** Sets {@link ScoringConfig#learnFromUnsure()}. */
    public Builder learnFromUnsure(boolean value) {
      learnFromUnsure = value;
      return this;
    }

    /** Sets {@link ScoringConfig#maxRegions()}. */
    public Builder maxRegions(int value) {
      maxRegions = value;
      return this;
    }

    /** Sets {@link ScoringConfig#typeTemperature()}. */
    public Builder typeTemperature(double value) {
      typeTemperature = value;
      return this;
    }

    /** Sets {@link ScoringConfig#fewShotBeta()}. */
    public Builder fewShotBeta(double value) {
      fewShotBeta = value;
      return this;
    }

    /** Sets {@link ScoringConfig#fewShotTemperature()}. */
    public Builder fewShotTemperature(double value) {
      fewShotTemperature = value;
      return this;
    }

    /** Sets {@link ScoringConfig#maxFewShotExamples()}. */
    public Builder maxFewShotExamples(int value) {
      maxFewShotExamples = value;
      return this;
    }

    /** Sets {@link ScoringConfig#imageRarityWeight()}. */
    public Builder imageRarityWeight(double value) {
      imageRarityWeight = value;
      return this;
    }

    /** Sets {@link ScoringConfig#peakFraction()}. */
    public Builder peakFraction(double value) {
      peakFraction = value;
      return this;
    }

    /** Sets {@link ScoringConfig#withinFrameWeight()}. */
    public Builder withinFrameWeight(double value) {
      withinFrameWeight = value;
      return this;
    }

    /** Sets {@link ScoringConfig#positionalWeight()}. */
    public Builder positionalWeight(double value) {
      positionalWeight = value;
      return this;
    }

    /** Sets {@link ScoringConfig#positionalFrames()}. */
    public Builder positionalFrames(int value) {
      positionalFrames = value;
      return this;
    }

    /** Sets {@link ScoringConfig#positionalRadius()}. */
    public Builder positionalRadius(int value) {
      positionalRadius = value;
      return this;
    }

    /** Sets the memory sizes: rows of M_S and the prototype multiple of C_F. */
    public Builder memory(int rows, int perPatch) {
      maxImageRows = rows;
      prototypesPerPatch = perPatch;
      return this;
    }

    /** The configuration; throws as the record's constructor does for an invalid field. */
    public ScoringConfig build() {
      return new ScoringConfig(
          k, calibrationPercentile, topFraction, maxImageRows, prototypesPerPatch,
          textOnlyFrames, earlyFrames, earlyRarityWeight, earlyTextWeight,
          lateRarityWeight, lateTextWeight, warmupFrames, blurSigmaAt518,
          normalizationWindow, normalizationEpsilon, thresholds, learnFromUnsure,
          maxRegions, typeTemperature, fewShotBeta, fewShotTemperature,
          maxFewShotExamples, imageRarityWeight, peakFraction, withinFrameWeight,
          positionalWeight, positionalFrames, positionalRadius);
    }
  }

  private static void positive(String field, int v) {
    if (v <= 0) {
      throw bad(field, "> 0", v);
    }
  }

  private static void nonNegative(String field, double v) {
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw bad(field, "finite and >= 0", v);
    }
  }

  private static IllegalArgumentException bad(String field, String expected, Object got) {
    return new IllegalArgumentException(
        "ScoringConfig." + field + " must be " + expected + ", got " + got);
  }
}
