package io.clipline.scoring.memory;

import io.clipline.scoring.FrameFeatures;
import io.clipline.scoring.SimilarityKernel;
import io.clipline.scoring.internal.Vectors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a scope's memory makes of one frame (docs/SCORING.md §3): the rarity of every patch,
 * averaged over the scope's patch banks (each layer at the patch scale and at the 3x3
 * neighbourhood-mean scale), and the image-level rarity of the frame's foreground mean feature,
 * averaged over the layers.
 *
 * <p>Assessing changes nothing; {@link #admit} then lets the frame into every bank, or the caller
 * drops the assessment (a frame judged NG). Only the scope's latest assessment can be admitted.
 */
public final class RarityAssessment {
  private final List<RarityBank.Assessment> patches;
  private final List<RarityBank.Assessment> images;
  private final float[] rarity;
  private final double calibration;
  private final double imageRarity;
  private final int memoryImages;
  private final float[] lastLayer;

  private RarityAssessment(
      List<RarityBank.Assessment> patches, List<RarityBank.Assessment> images, float[] rarity,
      double calibration, double imageRarity, int memoryImages, float[] lastLayer) {
    this.patches = patches;
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
   */
  public static RarityAssessment assess(
      ScopeState s, FrameFeatures f, float[] textMap, SimilarityKernel kernel) {
    int p = f.patches();
    int layers = f.layers().size();
    boolean[] foreground = foreground(textMap, p);
    int memoryImages = s.banks().get(0).rowCount();
    List<RarityBank.Assessment> assessments = new ArrayList<>(2 * layers);
    List<RarityBank.Assessment> imageAssessments = new ArrayList<>(layers);
    float[] rarity = new float[p];
    double calibration = 0;
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
        RarityBank.Assessment a = s.banks().get(assessments.size()).assess(x, p, kernel);
        assessments.add(a);
        float[] r = a.rarity();
        for (int n = 0; n < p; n++) {
          rarity[n] += r[n];
        }
        calibration += a.calibration();
      }
    }
    int nb = assessments.size();
    for (int n = 0; n < p; n++) {
      rarity[n] /= nb;
    }
    calibration /= nb;
    imageRarity /= layers;
    return new RarityAssessment(
        assessments, imageAssessments, rarity, calibration, imageRarity, memoryImages, lastLayer);
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
