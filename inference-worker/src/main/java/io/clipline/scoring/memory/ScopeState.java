package io.clipline.scoring.memory;

import io.clipline.scoring.FrameFeatures;
import io.clipline.scoring.ScoringConfig;
import io.clipline.scoring.Thresholds;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Learned state of one scope: rarity banks (two scales per layer, and one image-level bank per
 * layer), positional banks (one per patch bank), score normaliser, frame counter, thresholds and
 * few-shot examples. {@link
 * ScopeStateCodec} writes and reads it; a restored state scores the next frames exactly as the
 * original would.
 *
 * <p>The grid and the per-layer dimensions are fixed by the first frame ({@link #create}); every
 * later frame must match them ({@link #requireShape}). Not thread-safe: one scope, one thread at
 * a time.
 */
public final class ScopeState {
  private final int rows;
  private final int cols;
  private final int[] dims;
  private final List<RarityBank> banks;
  private final List<RarityBank> imageBanks;
  private final List<PositionalBank> positionalBanks;
  private final RobustNormalizer normalizer;
  private final FewShotTypeCache fewShot;
  private long frames;
  private Thresholds thresholds;

  /** Creates the state from its parts; banks are supplied by the caller (or the codec). */
  ScopeState(
      int rows,
      int cols,
      int[] dims,
      List<RarityBank> banks,
      List<RarityBank> imageBanks,
      List<PositionalBank> positionalBanks,
      RobustNormalizer normalizer,
      FewShotTypeCache fewShot,
      long frames,
      Thresholds thresholds) {
    this.rows = rows;
    this.cols = cols;
    this.dims = dims.clone();
    this.banks = new ArrayList<>(banks);
    this.imageBanks = new ArrayList<>(imageBanks);
    this.positionalBanks = new ArrayList<>(positionalBanks);
    this.normalizer = normalizer;
    this.fewShot = fewShot;
    this.frames = frames;
    this.thresholds = thresholds;
  }

  /**
   * The empty state of a scope whose first frame is {@code first}: two patch banks per layer
   * (patch and 3x3 mean scale), one image-level bank per layer, one positional bank per patch bank,
   * an empty normaliser and few-shot cache, sized by {@code config}.
   */
  public static ScopeState create(FrameFeatures first, ScoringConfig config, Thresholds initial) {
    int layers = first.layers().size();
    int[] dims = new int[layers];
    List<RarityBank> banks = new ArrayList<>(2 * layers);
    int cap = config.prototypeCap(first.patches());
    for (int l = 0; l < layers; l++) {
      dims[l] = first.dim(l);
      for (int scale = 0; scale < 2; scale++) {
        banks.add(
            new RarityBank(
                dims[l], cap, config.maxImageRows(), config.k(), config.calibrationPercentile(),
                config.topFraction()));
      }
    }
    ScopeState s =
        new ScopeState(
            first.rows(), first.cols(), dims, banks, List.of(), List.of(),
            new RobustNormalizer(config.normalizationWindow(), config.normalizationEpsilon()),
            new FewShotTypeCache(config.maxFewShotExamples()), 0, initial);
    s.ensureImageBanks(config);
    s.ensurePositionalBanks(config);
    return s;
  }

  /**
   * Adds the image-level banks, one per layer (one prototype per image, as many as presence
   * rows), when the state has none: a state restored from a version 1 snapshot, made before
   * image-level banks existed.
   */
  public void ensureImageBanks(ScoringConfig config) {
    if (!imageBanks.isEmpty()) {
      return;
    }
    for (int d : dims) {
      imageBanks.add(
          new RarityBank(
              d, config.maxImageRows(), config.maxImageRows(), config.k(),
              config.calibrationPercentile(), config.topFraction()));
    }
  }

  /**
   * Adds empty positional banks, one per patch bank, when the state has none and {@code config}
   * weighs the positional rarity: a new state, or one restored from a snapshot made before
   * positional banks existed (version 1 or 2) or while they were off.
   */
  public void ensurePositionalBanks(ScoringConfig config) {
    if (!positionalBanks.isEmpty() || config.positionalWeight() == 0) {
      return;
    }
    for (int i = 0; i < banks.size(); i++) {
      positionalBanks.add(
          new PositionalBank(
              rows, cols, banks.get(i).dim, config.positionalFrames(), config.positionalRadius(),
              config.calibrationPercentile(), config.topFraction()));
    }
  }

  /** Throws when {@code f} does not have this state's grid and per-layer dimensions. */
  public void requireShape(String scope, FrameFeatures f) {
    int layers = f.layers().size();
    if (rows != f.rows() || cols != f.cols() || dims.length != layers) {
      throw new IllegalArgumentException(
          "scope '" + scope + "' expects a " + rows + "x" + cols + " grid with "
              + dims.length + " layers, got " + f.rows() + "x" + f.cols() + " with " + layers);
    }
    for (int l = 0; l < layers; l++) {
      if (f.dim(l) != dims[l]) {
        throw new IllegalArgumentException(
            "scope '" + scope + "' expects dim " + dims[l] + " in layer " + l + ", got "
                + f.dim(l));
      }
    }
  }

  /** Grid rows this state was built for. */
  public int rows() {
    return rows;
  }

  /** Grid columns. */
  public int cols() {
    return cols;
  }

  /** Number of feature layers. */
  public int layers() {
    return dims.length;
  }

  /** Feature dimension of layer {@code l}. */
  public int dim(int l) {
    return dims[l];
  }

  /** Patch banks, index {@code 2 * layer + scale} (scale 0 = patch, 1 = 3x3 mean); read-only. */
  public List<RarityBank> banks() {
    return Collections.unmodifiableList(banks);
  }

  /** Image-level banks, one per layer: one foreground mean feature per image; read-only. */
  public List<RarityBank> imageBanks() {
    return Collections.unmodifiableList(imageBanks);
  }

  /** Positional banks, one per patch bank and in the same order; read-only. */
  public List<PositionalBank> positionalBanks() {
    return Collections.unmodifiableList(positionalBanks);
  }

  /** Recent raw image scores. */
  public RobustNormalizer normalizer() {
    return normalizer;
  }

  /** Labelled region features. */
  public FewShotTypeCache fewShot() {
    return fewShot;
  }

  /** Frames scored so far (the last sequence number handed out). */
  public long frames() {
    return frames;
  }

  /** Hands out the next frame's sequence number (1-based). */
  public long nextSequence() {
    return ++frames;
  }

  /** The scope's current thresholds. */
  public Thresholds thresholds() {
    return thresholds;
  }

  /** Replaces the scope's thresholds. */
  public void setThresholds(Thresholds thresholds) {
    if (thresholds == null) {
      throw new IllegalArgumentException("thresholds must not be null");
    }
    this.thresholds = thresholds;
  }

  /** Whether the memory holds frame {@code sequence} (it was admitted and not yet aged out). */
  public boolean holds(long sequence) {
    return banks.get(0).holds(sequence);
  }

  /**
   * Removes what every bank learned from frame {@code sequence}; true when something was
   * removed.
   */
  public boolean forget(long sequence) {
    boolean removed = false;
    for (RarityBank b : banks) {
      removed |= b.forget(sequence);
    }
    for (RarityBank b : imageBanks) {
      removed |= b.forget(sequence);
    }
    for (PositionalBank b : positionalBanks) {
      removed |= b.forget(sequence);
    }
    return removed;
  }
}
