package io.clipline.scoring;

import io.clipline.scoring.internal.Components;
import io.clipline.scoring.internal.FewShotTypeCache;
import io.clipline.scoring.internal.MapOps;
import io.clipline.scoring.internal.RarityBank;
import io.clipline.scoring.internal.RobustNormalizer;
import io.clipline.scoring.internal.ScopeState;
import io.clipline.scoring.internal.Vectors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Scores frames per scope (product x camera view) with online rarity memory and, when the scope's
 * profile has one, the zero-shot text branch.
 *
 * <p>Per frame: patch features are L2-normalised at two scales per layer (the patch and its 3x3
 * neighbourhood mean); each (layer, scale) bank gives a rarity per patch (RareCLIP); rarity and the
 * text term are fused by the warm-up schedule; the map is upsampled, smoothed, and its maximum
 * (plus the image text probability) is the raw image score, normalised by the scope's recent median
 * / MAD and compared with two thresholds. Frames judged NG never enter the memory.
 *
 * <p>Threading: different scopes may be used from different threads at the same time; calls for
 * one scope must come from one thread at a time (the memory of a scope is not thread-safe).
 */
public final class ScoringEngine {
  private final ScoringConfig config;
  private final SimilarityKernel kernel;
  private final Map<String, ScopeState> states = new ConcurrentHashMap<>();
  private final Map<String, ScopeProfile> profiles = new ConcurrentHashMap<>();
  private final Map<String, Thresholds> initialThresholds = new ConcurrentHashMap<>();

  /** Engine with the given configuration and its own Java similarity kernel. */
  public ScoringEngine(ScoringConfig config) {
    this(config, SimilarityKernel.JAVA);
  }

  /**
   * Engine with the given configuration whose patch-to-prototype similarities {@code kernel}
   * computes (for example on the model's accelerator).
   */
  public ScoringEngine(ScoringConfig config, SimilarityKernel kernel) {
    if (config == null) {
      throw new IllegalArgumentException("config must not be null");
    }
    if (kernel == null) {
      throw new IllegalArgumentException("kernel must not be null");
    }
    this.config = config;
    this.kernel = kernel;
  }

  /** The configuration. */
  public ScoringConfig config() {
    return config;
  }

  /** Sets the product profile (text branch, defect types) of a scope; rarity-only by default. */
  public void configureScope(String scope, ScopeProfile profile) {
    requireScope(scope);
    profiles.put(scope, profile == null ? ScopeProfile.rarityOnly() : profile);
  }

  /** Scopes with learned state. */
  public Set<String> scopes() {
    return Set.copyOf(states.keySet());
  }

  /** Scores a frame and, unless it is judged NG, learns from it. */
  public FrameScore score(String scope, FrameFeatures features) {
    return run(scope, features, false);
  }

  /**
   * k-shot seeding: scores a known-good frame and learns it unconditionally with protected
   * prototypes (evicted only when nothing unprotected is left).
   */
  public FrameScore seed(String scope, FrameFeatures knownGood) {
    return run(scope, knownGood, true);
  }

  /**
   * Operator label for an earlier frame of the scope. NG removes what the memory learned from it
   * (when still held) so that a defect does not become "normal"; returns true when something was
   * removed.
   */
  public boolean label(String scope, long sequence, Verdict truth) {
    ScopeState s = existing(scope);
    if (truth == null) {
      throw new IllegalArgumentException("truth must not be null");
    }
    if (truth != Verdict.NG) {
      return false;
    }
    boolean removed = false;
    for (RarityBank b : s.banks) {
      removed |= b.forget(sequence);
    }
    for (RarityBank b : s.imageBanks) {
      removed |= b.forget(sequence);
    }
    return removed;
  }

  /** Adds an operator-labelled defect region (its {@link Region#feature()}) to the few-shot cache. */
  public void addDefectExample(String scope, String type, float[] regionFeature) {
    ScopeState s = existing(scope);
    if (type == null || type.isBlank() || regionFeature == null || regionFeature.length == 0) {
      throw new IllegalArgumentException("defect example needs a type and a non-empty feature");
    }
    s.fewShot.add(type, regionFeature);
  }

  /**
   * Types a region feature as the scope's regions are typed: by its profile's defect types, their
   * zero-shot prototypes and the scope's few-shot examples. Null when the profile has no defect
   * types or neither source applies.
   */
  public DefectTypeGuess classifyRegion(String scope, float[] regionFeature) {
    ScopeState s = existing(scope);
    if (regionFeature == null || regionFeature.length == 0) {
      throw new IllegalArgumentException("region feature of scope '" + scope + "' is empty");
    }
    return typeOf(regionFeature, s, profiles.getOrDefault(scope, ScopeProfile.rarityOnly()));
  }

  /**
   * The feature the engine gives a region covering {@code mask} (the frame's {@code outputHeight x
   * outputWidth} map, row-major), as in {@link Region#feature()}: the L2-normalised mean of the
   * last layer's L2-normalised patch features under the mask, each patch counted once.
   */
  public static float[] regionFeature(FrameFeatures f, boolean[] mask) {
    int h = f.outputHeight();
    int w = f.outputWidth();
    if (mask == null || mask.length != h * w) {
      throw new IllegalArgumentException(
          "mask must cover the " + h + "x" + w + " output map, got "
              + (mask == null ? "null" : mask.length + " values"));
    }
    int[] pixels = new int[mask.length];
    int n = 0;
    for (int px = 0; px < mask.length; px++) {
      if (mask[px]) {
        pixels[n++] = px;
      }
    }
    if (n == 0) {
      throw new IllegalArgumentException("mask is empty: a region needs at least one pixel");
    }
    int last = f.layers().size() - 1;
    int d = f.dim(last);
    float[] patches = f.layers().get(last).clone();
    Vectors.normalizeRows(patches, f.patches(), d);
    return pooledFeature(Arrays.copyOf(pixels, n), h, w, f.rows(), f.cols(), patches, d);
  }

  /** Changes a scope's thresholds at run time (also before its first frame). */
  public void setThresholds(String scope, Thresholds thresholds) {
    requireScope(scope);
    if (thresholds == null) {
      throw new IllegalArgumentException("thresholds must not be null");
    }
    ScopeState s = states.get(scope);
    if (s == null) {
      initialThresholds.put(scope, thresholds);
    } else {
      s.thresholds = toArray(thresholds);
    }
  }

  /** The scope's current thresholds. */
  public Thresholds thresholds(String scope) {
    requireScope(scope);
    ScopeState s = states.get(scope);
    if (s == null) {
      return initialThresholds.getOrDefault(scope, config.thresholds());
    }
    double[] t = s.thresholds;
    return new Thresholds(t[0], t[1], t[2], t[3]);
  }

  /** Memory sizes of a scope. */
  public ScopeStats stats(String scope) {
    ScopeState s = existing(scope);
    int nb = s.banks.size();
    int[] protos = new int[nb];
    int[] prot = new int[nb];
    int[] rows = new int[nb];
    for (int i = 0; i < nb; i++) {
      protos[i] = s.banks.get(i).prototypeCount();
      prot[i] = s.banks.get(i).protectedCount();
      rows[i] = s.banks.get(i).rowCount();
    }
    return new ScopeStats(
        s.frames, protos, prot, rows, s.banks.get(0).cap(), config.maxImageRows(),
        s.normalizer.size(), s.fewShot.size());
  }

  /** Snapshot of a scope's learned state (versioned binary); the profile is not included. */
  public byte[] snapshot(String scope) {
    return existing(scope).toBytes();
  }

  /** Replaces a scope's state by a snapshot; later scores equal those of the original. */
  public void restore(String scope, byte[] snapshot) {
    requireScope(scope);
    if (snapshot == null || snapshot.length == 0) {
      throw new IllegalArgumentException("snapshot of scope '" + scope + "' is empty");
    }
    states.put(scope, ScopeState.fromBytes(snapshot));
  }

  /** Forgets a scope entirely. */
  public void reset(String scope) {
    requireScope(scope);
    states.remove(scope);
  }

  private FrameScore run(String scope, FrameFeatures f, boolean seeding) {
    requireScope(scope);
    if (f == null) {
      throw new IllegalArgumentException("features of scope '" + scope + "' must not be null");
    }
    ScopeState s = stateFor(scope, f);
    ScopeProfile profile = profiles.getOrDefault(scope, ScopeProfile.rarityOnly());
    int p = f.patches();
    int layers = f.layers().size();

    // Text term.
    TextPart text = null;
    double imageProbability = Double.NaN;
    float[] textMap = null;
    if (profile.text() != null) {
      imageProbability = profile.text().imageProbability(f.embedding());
      textMap = profile.text().patchProbabilities(f);
      text = new TextPart(imageProbability, textMap);
    }
    boolean[] foreground = foreground(textMap, p);

    // Rarity per bank: (layer, patch scale) and (layer, 3x3 mean scale); image level per layer.
    int memoryImages = s.banks.get(0).rowCount();
    List<RarityBank.Assessment> assessments = new ArrayList<>(2 * layers);
    List<RarityBank.Assessment> imageAssessments = new ArrayList<>(layers);
    float[] rarity = new float[p];
    double calibration = 0;
    double imageRarity = 0;
    float[] lastLayer = null;
    for (int l = 0; l < layers; l++) {
      int d = s.dims[l];
      float[] raw = f.layers().get(l);
      float[] patch = raw.clone();
      Vectors.normalizeRows(patch, p, d);
      float[] mean = Vectors.neighbourhoodMean(raw, f.rows(), f.cols(), d);
      Vectors.normalizeRows(mean, p, d);
      lastLayer = patch;
      RarityBank.Assessment image =
          s.imageBanks.get(l).assess(foregroundMean(patch, foreground, p, d), 1);
      imageAssessments.add(image);
      imageRarity += image.rarity()[0];
      for (float[] x : new float[][] {patch, mean}) {
        RarityBank.Assessment a = s.banks.get(assessments.size()).assess(x, p, kernel);
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

    long sequence = ++s.frames;
    float[] patchMap = fuse(sequence, memoryImages, rarity, textMap);
    int h = f.outputHeight();
    int w = f.outputWidth();
    float[] map =
        MapOps.gaussianBlur(
            MapOps.resizeBilinear(patchMap, f.rows(), f.cols(), h, w), h, w,
            config.blurSigma(h, w));
    // Image-level terms added to the map's peak: the text probability and the image rarity.
    double textAdd = (Double.isNaN(imageProbability) ? 0.0 : imageProbability)
        + config.imageRarityWeight() * imageRarity;
    double raw = MapOps.max(map) + textAdd;

    boolean warmingUp = sequence <= config.warmupFrames();
    RobustNormalizer norm = s.normalizer;
    double z = norm.normalize(raw);
    double[] t = effectiveThresholds(s);
    Verdict verdict = decide(z, t[0], t[1], warmingUp);
    List<Region> regions =
        warmingUp || Double.isNaN(t[1]) || norm.size() == 0
            ? List.of()
            : regions(map, h, w, norm.denormalize(t[1]) - textAdd, f, lastLayer, s, profile);
    norm.add(raw);

    boolean admit =
        seeding
            || verdict == Verdict.OK
            || (verdict == Verdict.UNSURE && (warmingUp || config.learnFromUnsure()));
    if (admit) {
      for (int i = 0; i < nb; i++) {
        s.banks.get(i).admit(assessments.get(i), sequence, seeding);
      }
      for (int l = 0; l < layers; l++) {
        s.imageBanks.get(l).admit(imageAssessments.get(l), sequence, seeding);
      }
    }
    return new FrameScore(
        sequence, f.rows(), f.cols(), patchMap, h, w, map, raw, z, verdict, warmingUp, admit, text,
        new RarityPart(rarity, calibration, memoryImages, imageRarity), regions);
  }

  /**
   * The foreground patches: the upper half by text score when there is a text map (ties count
   * as foreground), every patch without one.
   */
  private static boolean[] foreground(float[] textMap, int patches) {
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

  /**
   * OK below {@code ok}, NG at or above {@code ng}, UNSURE in between, while warming up, or when
   * {@code ng} is not known yet (NaN).
   */
  static Verdict decide(double z, double ok, double ng, boolean warmingUp) {
    if (warmingUp || Double.isNaN(ng) || Double.isNaN(z)) {
      return Verdict.UNSURE;
    }
    if (z >= ng) {
      return Verdict.NG;
    }
    return z < ok ? Verdict.OK : Verdict.UNSURE;
  }

  /** Fusion schedule (ALGORITHMS §3); without a text map the rarity map is used as it is. */
  private float[] fuse(long sequence, int memoryImages, float[] rarity, float[] textMap) {
    if (textMap == null) {
      return rarity.clone();
    }
    if (sequence <= config.textOnlyFrames() || memoryImages == 0) {
      return textMap.clone();
    }
    double wr = sequence <= config.earlyFrames() ? config.earlyRarityWeight()
        : config.lateRarityWeight();
    double wt = sequence <= config.earlyFrames() ? config.earlyTextWeight()
        : config.lateTextWeight();
    float[] out = new float[rarity.length];
    for (int n = 0; n < out.length; n++) {
      out[n] = (float) (wr * rarity[n] + wt * textMap[n]);
    }
    return out;
  }

  /** [ok, ng] in normalised units; ng is NaN when it cannot be derived yet. */
  private static double[] effectiveThresholds(ScopeState s) {
    double[] t = s.thresholds;
    if (Double.isNaN(t[2])) {
      return new double[] {t[0], t[1]};
    }
    double ng = s.normalizer.normalizedQuantile(1.0 - t[2]);
    return new double[] {ng - t[3], ng};
  }

  private List<Region> regions(
      float[] map, int h, int w, double rawThreshold, FrameFeatures f, float[] lastLayer,
      ScopeState s, ScopeProfile profile) {
    List<Components.Blob> blobs = Components.find(map, h, w, rawThreshold, config.maxRegions());
    List<Region> out = new ArrayList<>(blobs.size());
    int d = s.dims[s.dims.length - 1];
    for (Components.Blob b : blobs) {
      float[] feature = pooledFeature(b.pixels(), h, w, f.rows(), f.cols(), lastLayer, d);
      DefectTypeGuess g = typeOf(feature, s, profile);
      out.add(
          new Region(
              b.top(), b.left(), b.bottom(), b.right(), b.area(), b.peak(), b.mean(), feature,
              g == null ? null : g.type(), g == null ? Double.NaN : g.confidence(),
              g == null ? null : g.runnerUp(), g == null ? Double.NaN : g.runnerUpConfidence()));
    }
    return out;
  }

  /** Few-shot (and zero-shot) type of a region feature; null without types or sources. */
  private DefectTypeGuess typeOf(float[] feature, ScopeState s, ScopeProfile profile) {
    DefectTypes types = profile.defectTypes();
    if (types == null) {
      return null;
    }
    return s.fewShot.classify(
        feature, types.names(), types.zeroShotPrototypes(), config.typeTemperature(),
        config.fewShotBeta(), config.fewShotTemperature());
  }

  /** Mean of the normalised patch features under map pixels {@code y * w + x} (each patch once). */
  private static float[] pooledFeature(
      int[] pixels, int h, int w, int rows, int cols, float[] patches, int d) {
    boolean[] used = new boolean[rows * cols];
    float[] sum = new float[d];
    for (int px : pixels) {
      int y = px / w;
      int x = px % w;
      int n = (int) ((long) y * rows / h) * cols + (int) ((long) x * cols / w);
      if (!used[n]) {
        used[n] = true;
        for (int i = 0; i < d; i++) {
          sum[i] += patches[n * d + i];
        }
      }
    }
    Vectors.normalizeRows(sum, 1, d);
    return sum;
  }

  private ScopeState stateFor(String scope, FrameFeatures f) {
    ScopeState s = states.get(scope);
    int layers = f.layers().size();
    if (s == null) {
      int[] dims = new int[layers];
      List<RarityBank> banks = new ArrayList<>(2 * layers);
      int cap = config.prototypeCap(f.patches());
      for (int l = 0; l < layers; l++) {
        dims[l] = f.dim(l);
        for (int scale = 0; scale < 2; scale++) {
          banks.add(
              new RarityBank(
                  dims[l], cap, config.maxImageRows(), config.k(),
                  config.calibrationPercentile(), config.topFraction()));
        }
      }
      s =
          new ScopeState(
              f.rows(), f.cols(), dims, banks, new ArrayList<>(),
              new RobustNormalizer(config.normalizationWindow(), config.normalizationEpsilon()),
              new FewShotTypeCache(config.maxFewShotExamples()), 0,
              toArray(initialThresholds.getOrDefault(scope, config.thresholds())));
      states.put(scope, s);
      addImageBanks(s);
      return s;
    }
    if (s.rows != f.rows() || s.cols != f.cols() || s.dims.length != layers) {
      throw new IllegalArgumentException(
          "scope '" + scope + "' expects a " + s.rows + "x" + s.cols + " grid with "
              + s.dims.length + " layers, got " + f.rows() + "x" + f.cols() + " with " + layers);
    }
    for (int l = 0; l < layers; l++) {
      if (f.dim(l) != s.dims[l]) {
        throw new IllegalArgumentException(
            "scope '" + scope + "' expects dim " + s.dims[l] + " in layer " + l + ", got "
                + f.dim(l));
      }
    }
    if (s.imageBanks.isEmpty()) {
      addImageBanks(s); // restored from a snapshot made before image-level banks existed
    }
    return s;
  }

  /** One image-level bank per layer: one prototype per image, as many as presence rows. */
  private void addImageBanks(ScopeState s) {
    for (int d : s.dims) {
      s.imageBanks.add(
          new RarityBank(
              d, config.maxImageRows(), config.maxImageRows(), config.k(),
              config.calibrationPercentile(), config.topFraction()));
    }
  }

  private ScopeState existing(String scope) {
    requireScope(scope);
    ScopeState s = states.get(scope);
    if (s == null) {
      throw new IllegalArgumentException("unknown scope '" + scope + "': no frame scored yet");
    }
    return s;
  }

  private static void requireScope(String scope) {
    if (scope == null || scope.isBlank()) {
      throw new IllegalArgumentException("scope must be a non-blank string, got '" + scope + "'");
    }
  }

  private static double[] toArray(Thresholds t) {
    return new double[] {t.ok(), t.ng(), t.targetFalseRejectRate(), t.unsureBand()};
  }
}
