package io.clipline.scoring.memory;

import io.clipline.scoring.FrameFeatures;
import io.clipline.scoring.ScoringConfig;
import io.clipline.scoring.SimilarityKernel;
import io.clipline.scoring.internal.Vectors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * What a scope's memory makes of one frame (docs/SCORING.md §3): the rarity of every patch,
 * averaged over the scope's patch banks (each layer at the patch scale and at the 3x3
 * neighbourhood-mean scale), and the image-level rarity of the frame's foreground mean feature,
 * averaged over the layers. Each patch bank's rarity mixes in, by the configuration's weights,
 * the {@link PositionalBank} of the same (layer, scale) and the {@link WithinFrameRarity}.
 *
 * <p>Assessing changes nothing; {@link #admit} then lets the frame into every bank, or the caller
 * drops the assessment (a frame judged NG). Only the scope's latest assessment can be admitted.
 */
public final class RarityAssessment {
  private final List<RarityBank.Assessment> patches;
  private final List<PositionalBank.Assessment> positional;
  private final List<RarityBank.Assessment> images;
  private final float[] rarity;
  private final double calibration;
  private final double imageRarity;
  private final int memoryImages;
  private final float[] lastLayer;

  private RarityAssessment(
      List<RarityBank.Assessment> patches, List<PositionalBank.Assessment> positional,
      List<RarityBank.Assessment> images, float[] rarity, double calibration, double imageRarity,
      int memoryImages, float[] lastLayer) {
    this.patches = patches;
    this.positional = positional;
    this.images = images;
    this.rarity = rarity;
    this.calibration = calibration;
    this.imageRarity = imageRarity;
    this.memoryImages = memoryImages;
    this.lastLayer = lastLayer;
  }

  /**
   * Assesses frame {@code f} against the banks of {@code s}. {@code textMap} (per-patch text
   * probability, or null) chooses the foreground of the image-level feature: the upper half of
   * the patches by text score, every patch without one. {@code kernel} computes the patch
   * similarities.
   *
   * <p>Per patch bank, with v = {@link ScoringConfig#positionalWeight()} and w = {@link
   * ScoringConfig#withinFrameWeight()}: the bank's rarity R, once the positional bank holds a
   * frame {@code (1 - v) * R + v * positional}; then, with w > 0, {@code (1 - w) * that + w *
   * within-frame}, or the within-frame rarity alone while the memory is empty.
   *
   * <p>The patch banks are assessed as tasks on {@code banks} ({@code Runnable::run} for the
   * caller's thread alone): one task per (layer, scale), each reading only its own bank,
   * positional twin and the frame. The caller waits for all of them; the banks' results are
   * summed in bank order, so the scores do not depend on the executor. {@code kernel} must be
   * safe to call from the executor's threads at once.
   */
  public static RarityAssessment assess(
      ScopeState s, FrameFeatures f, float[] textMap, SimilarityKernel kernel,
      ScoringConfig config, Executor banks) {
    int p = f.patches();
    int layers = f.layers().size();
    boolean[] foreground = foreground(textMap, p);
    int memoryImages = s.banks().get(0).rowCount();
    List<PositionalBank> positionalBanks = s.positionalBanks();
    double v = positionalBanks.isEmpty() ? 0.0 : config.positionalWeight();
    double w = memoryImages == 0 && config.withinFrameWeight() > 0
        ? 1.0 : config.withinFrameWeight();
    List<RarityBank.Assessment> imageAssessments = new ArrayList<>(layers);
    List<CompletableFuture<BankRarity>> tasks = new ArrayList<>(2 * layers);
    double imageRarity = 0;
    float[] lastLayer = null;
    for (int l = 0; l < layers; l++) {
      int d = s.dim(l);
      float[] raw = f.layers().get(l);
      float[] patch = raw.clone();
      Vectors.normalizeRows(patch, p, d);
      float[] mean = Vectors.neighbourhoodMean(raw, f.rows(), f.cols(), d);
      Vectors.normalizeRows(mean, p, d);
      lastLayer = patch;
      RarityBank.Assessment image =
          s.imageBanks().get(l).assess(foregroundMean(patch, foreground, p, d), 1);
      imageAssessments.add(image);
      imageRarity += image.rarity()[0];
      for (float[] x : new float[][] {patch, mean}) {
        int bank = tasks.size();
        tasks.add(CompletableFuture.supplyAsync(
            () -> BankRarity.of(s, bank, x, f, d, kernel, config, v, w), banks));
      }
    }
    List<RarityBank.Assessment> assessments = new ArrayList<>(tasks.size());
    List<PositionalBank.Assessment> positional = new ArrayList<>(positionalBanks.size());
    float[] rarity = new float[p];
    double calibration = 0;
    for (CompletableFuture<BankRarity> task : tasks) {
      BankRarity b = join(task);
      assessments.add(b.assessment());
      if (b.positional() != null) {
        positional.add(b.positional());
      }
      calibration += b.assessment().calibration();
      for (int n = 0; n < p; n++) {
        rarity[n] += b.rarity()[n];
      }
    }
    int nb = assessments.size();
    for (int n = 0; n < p; n++) {
      rarity[n] /= nb;
    }
    calibration /= nb;
    imageRarity /= layers;
    return new RarityAssessment(
        assessments, positional, imageAssessments, rarity, calibration, imageRarity,
        memoryImages, lastLayer);
  }

  /** A bank task's result, rethrowing what the task threw as it was thrown. */
  private static BankRarity join(CompletableFuture<BankRarity> task) {
    try {
      return task.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      if (e.getCause() instanceof Error cause) {
        throw cause;
      }
      throw e;
    }
  }

  /**
   * One patch bank's part of a frame: its assessment, its positional twin's (null when the
   * positional weight is 0), and the rarity per patch mixed as {@link #assess} describes.
   */
  private record BankRarity(
      RarityBank.Assessment assessment, PositionalBank.Assessment positional, float[] rarity) {

    static BankRarity of(
        ScopeState s, int bank, float[] x, FrameFeatures f, int d, SimilarityKernel kernel,
        ScoringConfig config, double v, double w) {
      int p = f.patches();
      RarityBank.Assessment a = s.banks().get(bank).assess(x, p, kernel);
      float[] r = a.rarity();
      PositionalBank.Assessment pa = null;
      float[] pos = null;
      if (v > 0) {
        PositionalBank twin = s.positionalBanks().get(bank);
        pa = twin.assess(x);
        pos = twin.size() > 0 ? pa.rarity() : null;
      }
      float[] within =
          w > 0
              ? WithinFrameRarity.of(
                  x, f.rows(), f.cols(), d, config.k(), config.calibrationPercentile())
              : null;
      float[] mixed = new float[p];
      for (int n = 0; n < p; n++) {
        double b = r[n];
        if (pos != null) {
          b = (1 - v) * b + v * pos[n];
        }
        if (within != null) {
          b = (1 - w) * b + w * within[n];
        }
        mixed[n] = (float) b;
      }
      return new BankRarity(a, pa, mixed);
    }
  }

  /** Rarity per patch in [0, 1], the mean over the patch banks. */
  public float[] rarity() {
    return rarity;
  }

  /** Mean calibration divisor of the patch banks. */
  public double calibration() {
    return calibration;
  }

  /** Image-level rarity, the mean over the layers. */
  public double imageRarity() {
    return imageRarity;
  }

  /** Images the memory held before this frame. */
  public int memoryImages() {
    return memoryImages;
  }

  /** The last layer's L2-normalised patch features, row-major (regions pool these). */
  public float[] lastLayer() {
    return lastLayer;
  }

  /**
   * Lets the assessed frame into every bank of {@code s}, as image {@code sequence}; {@code
   * seeding} protects its prototypes (k-shot seeds).
   */
  public void admit(ScopeState s, long sequence, boolean seeding) {
    for (int i = 0; i < patches.size(); i++) {
      s.banks().get(i).admit(patches.get(i), sequence, seeding);
    }
    for (PositionalBank.Assessment a : positional) {
      a.admit(sequence);
    }
    for (int l = 0; l < images.size(); l++) {
      s.imageBanks().get(l).admit(images.get(l), sequence, seeding);
    }
  }

  /**
   * The foreground patches: the upper half by text score when there is a text map (ties count
   * as foreground), every patch without one.
   */
  static boolean[] foreground(float[] textMap, int patches) {
    boolean[] fg = new boolean[patches];
    if (textMap == null) {
      Arrays.fill(fg, true);
      return fg;
    }
    float[] sorted = textMap.clone();
    Arrays.sort(sorted);
    float median = sorted[(patches - 1) / 2];
    for (int n = 0; n < patches; n++) {
      fg[n] = textMap[n] >= median;
    }
    return fg;
  }

  /** L2-normalised mean of the (normalised) foreground patch features. */
  private static float[] foregroundMean(float[] patches, boolean[] foreground, int p, int d) {
    float[] sum = new float[d];
    for (int n = 0; n < p; n++) {
      if (foreground[n]) {
        for (int i = 0; i < d; i++) {
          sum[i] += patches[n * d + i];
        }
      }
    }
    Vectors.normalizeRows(sum, 1, d);
    return sum;
  }
}
