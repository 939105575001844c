package io.clipline.scoring;

import io.clipline.scoring.internal.MapOps;
import io.clipline.scoring.memory.RarityAssessment;
import io.clipline.scoring.memory.RarityBank;
import io.clipline.scoring.memory.RobustNormalizer;
import io.clipline.scoring.memory.ScopeState;
import io.clipline.scoring.memory.ScopeStateCodec;
import io.clipline.scoring.post.FusionSchedule;
import io.clipline.scoring.post.MapSmoother;
import io.clipline.scoring.post.ThresholdPolicy;
import io.clipline.scoring.regions.RegionExtractor;
import io.clipline.scoring.regions.RegionTyper;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * Scores frames per scope (product x camera view) with online rarity memory and, when the scope's
 * profile has one, the zero-shot text branch.
 *
 * <p>Per frame: patch features are L2-normalised at two scales per layer (the patch and its 3x3
 * neighbourhood mean); each (layer, scale) bank gives a rarity per patch (RareCLIP), mixed with the
 * rarity at the patch's own position over the last frames ({@link ScoringConfig#positionalWeight});
 * rarity and the text term are fused by the warm-up schedule; the map is upsampled, smoothed, and
 * the mean of its largest {@link ScoringConfig#peakFraction} (plus the image text probability and
 * the image-level rarity) is the raw image score, normalised by the scope's recent median / MAD
 * and compared with two thresholds. Frames judged NG never enter the memory.
 *
 * <p>The engine orchestrates; each step is its own part, in the order a frame passes them: the
 * scope's {@link TextBranch} (text term), {@link RarityAssessment} over the scope's memory
 * ({@link ScopeState}: banks, normaliser, few-shot examples), {@link FusionSchedule}, {@link
 * MapSmoother}, the {@link RobustNormalizer}, {@link ThresholdPolicy} (limits and verdict), {@link
 * RegionExtractor} with its {@link RegionTyper}, and last admission into the memory. The methods
 * are described in docs/SCORING.md.
 *
 * <p>Threading: different scopes may be used from different threads at the same time; calls for
 * one scope must come from one thread at a time (the memory of a scope is not thread-safe). Within
 * one call, an engine made with a bank executor assesses the frame's patch banks (one per layer
 * and scale, so six for a model of three test-time views) as tasks on it and waits for them; the
 * scores are the same as on the caller's thread alone.
 */
public final class ScoringEngine {
  private final ScoringConfig config;
  private final SimilarityKernel kernel;
  private final Executor banks;
  private final Map<String, ScopeState> states = new ConcurrentHashMap<>();
  private final Map<String, ScopeProfile> profiles = new ConcurrentHashMap<>();
  private final Map<String, Thresholds> initialThresholds = new ConcurrentHashMap<>();
  private final FusionSchedule fusion;
  private final MapSmoother smoother;
  private final RegionTyper typer;
  private final RegionExtractor extractor;

  /** Engine with the given configuration and its own Java similarity kernel. */
  public ScoringEngine(ScoringConfig config) {
    this(config, SimilarityKernel.JAVA);
  }

  /**
   * Engine with the given configuration whose patch-to-prototype similarities {@code kernel}
   * computes (for example on the model's accelerator).
   */
  public ScoringEngine(ScoringConfig config, SimilarityKernel kernel) {
    this(config, kernel, Runnable::run);
  }

  /**
   * Engine whose patch banks are assessed as tasks on {@code banks} (for example a fixed pool of
   * one thread per core), with {@code kernel} called from those threads at once. The caller owns
   * the executor and shuts it down after the engine's last call.
   */
  public ScoringEngine(ScoringConfig config, SimilarityKernel kernel, Executor banks) {
    if (config == null) {
      throw new IllegalArgumentException("config must not be null");
    }
    if (kernel == null) {
      throw new IllegalArgumentException("kernel must not be null");
    }
    if (banks == null) {
      throw new IllegalArgumentException("banks executor must not be null");
    }
    this.config = config;
    this.kernel = kernel;
    this.banks = banks;
    this.fusion = new FusionSchedule(config);
    this.smoother = new MapSmoother(config);
    this.typer = new RegionTyper(config);
    this.extractor = new RegionExtractor(config.maxRegions(), typer);
    ThresholdPolicy.prepare(config.thresholds(), config.normalizationWindow());
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

  /**
   * The profile {@link #configureScope} gave the scope; empty when it was never configured (it
   * is then scored rarity-only).
   */
  public Optional<ScopeProfile> profile(String scope) {
    requireScope(scope);
    return Optional.ofNullable(profiles.get(scope));
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
  public boolean label(String scope, long sequence, Judgement truth) {
    ScopeState s = existing(scope);
    if (truth == null) {
      throw new IllegalArgumentException("truth must not be null");
    }
    if (truth != Judgement.NG) {
      return false;
    }
    return s.forget(sequence);
  }

  /**
   * Operator label OK for an earlier frame of the scope that the memory does not hold, typically a
   * false reject (judged NG, so never learned): {@code features}, the frame's features as scored,
   * are assessed against the memory as it is now and learned as frame {@code sequence}, so the
   * good variant it shows stops looking rare (docs/SCORING.md §4, "Reviewed rejects"). The score
   * history and thresholds are left as they are. Returns false, learning nothing, when the memory
   * still holds the frame.
   */
  public boolean learnGood(String scope, long sequence, FrameFeatures features) {
    ScopeState s = existing(scope);
    if (features == null) {
      throw new IllegalArgumentException("features of scope '" + scope + "' must not be null");
    }
    if (sequence < 1 || sequence > s.frames()) {
      throw new IllegalArgumentException(
          "scope '" + scope + "' has scored frames 1 to " + s.frames() + ", not " + sequence);
    }
    s.requireShape(scope, features);
    if (s.holds(sequence)) {
      return false;
    }
    TextPart text = textPart(profileOf(scope), features);
    float[] textMap = text == null ? null : text.patchMap();
    RarityAssessment.assess(s, features, textMap, kernel, config, banks).admit(s, sequence, false);
    return true;
  }

  /**
   * Adds an operator-labelled defect region (its {@link MapRegion#feature()}) to the few-shot
   * cache.
   */
  public void addDefectExample(String scope, String type, float[] regionFeature) {
    ScopeState s = existing(scope);
    if (type == null || type.isBlank() || regionFeature == null || regionFeature.length == 0) {
      throw new IllegalArgumentException("defect example needs a type and a non-empty feature");
    }
    s.fewShot().add(type, regionFeature);
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
    return typer.typeOf(regionFeature, s.fewShot(), profileOf(scope));
  }

  /**
   * The feature the engine gives a region covering {@code mask} (the frame's {@code outputHeight x
   * outputWidth} map, row-major), as in {@link MapRegion#feature()}: the L2-normalised mean of the
   * last layer's L2-normalised patch features under the mask, each patch counted once.
   */
  public static float[] regionFeature(FrameFeatures f, boolean[] mask) {
    return RegionExtractor.regionFeature(f, mask);
  }


  /** Changes a scope's thresholds at run time (also before its first frame). */
  public void setThresholds(String scope, Thresholds thresholds) {
    requireScope(scope);
    if (thresholds == null) {
      throw new IllegalArgumentException("thresholds must not be null");
    }
    ThresholdPolicy.prepare(thresholds, config.normalizationWindow());
    ScopeState s = states.get(scope);
    if (s == null) {
      initialThresholds.put(scope, thresholds);
    } else {
      s.setThresholds(thresholds);
    }
  }

  /** The scope's current thresholds. */
  public Thresholds thresholds(String scope) {
    requireScope(scope);
    ScopeState s = states.get(scope);
    if (s == null) {
      return initialThresholds.getOrDefault(scope, config.thresholds());
    }
    return s.thresholds();
  }

  /**
   * The patch grid {@code [rows, cols]} a scope takes, fixed by its first frame (or snapshot);
   * empty for a scope that has none yet. A frame of another grid is refused by {@link #score}.
   */
  public Optional<int[]> grid(String scope) {
    ScopeState s = states.get(scope);
    return s == null ? Optional.empty() : Optional.of(new int[] {s.rows(), s.cols()});
  }

  /** Memory sizes of a scope. */
  public ScopeStats stats(String scope) {
    ScopeState s = existing(scope);
    List<RarityBank> banks = s.banks();
    int nb = banks.size();
    int[] protos = new int[nb];
    int[] prot = new int[nb];
    int[] rows = new int[nb];
    for (int i = 0; i < nb; i++) {
      protos[i] = banks.get(i).prototypeCount();
      prot[i] = banks.get(i).protectedCount();
      rows[i] = banks.get(i).rowCount();
    }
    return new ScopeStats(
        s.frames(), protos, prot, rows, banks.get(0).cap(), config.maxImageRows(),
        s.normalizer().size(), s.fewShot().size());
  }

  /** Snapshot of a scope's learned state (versioned binary); the profile is not included. */
  public byte[] snapshot(String scope) {
    return ScopeStateCodec.toBytes(existing(scope));
  }

  /** Replaces a scope's state by a snapshot; later scores equal those of the original. */
  public void restore(String scope, byte[] snapshot) {
    requireScope(scope);
    if (snapshot == null || snapshot.length == 0) {
      throw new IllegalArgumentException("snapshot of scope '" + scope + "' is empty");
    }
    states.put(scope, ScopeStateCodec.fromBytes(snapshot));
  }

  /** Forgets a scope entirely. */
  public void reset(String scope) {
    requireScope(scope);
    states.remove(scope);
  }

  /** One frame through the parts, in order; see the class comment. */
  private FrameScore run(String scope, FrameFeatures f, boolean seeding) {
    requireScope(scope);
    if (f == null) {
      throw new IllegalArgumentException("features of scope '" + scope + "' must not be null");
    }
    ScopeState s = stateFor(scope, f);
    ScopeProfile profile = profileOf(scope);

    TextPart text = textPart(profile, f);
    float[] textMap = text == null ? null : text.patchMap();
    double imageProbability = text == null ? Double.NaN : text.imageProbability();
    RarityAssessment rarity = RarityAssessment.assess(s, f, textMap, kernel, config, banks);

    long sequence = s.nextSequence();
    float[] patchMap = fusion.fuse(sequence, rarity.memoryImages(), rarity.rarity(), textMap);
    int h = f.outputHeight();
    int w = f.outputWidth();
    float[] map = smoother.smooth(patchMap, f.rows(), f.cols(), h, w);
    // Image-level terms added to the map's peak (the mean of its top peakFraction): the text
    // probability and the image rarity.
    double textAdd = (Double.isNaN(imageProbability) ? 0.0 : imageProbability)
        + config.imageRarityWeight() * rarity.imageRarity();
    double peak = MapOps.topMean(map, config.peakFraction());
    double raw = peak + textAdd;
    // The NG limit is in units of the peak (a top-fraction mean); regions are cut in units of the
    // map's pixels, so the limit is lifted by how far this map's maximum stands above its peak.
    double lift = MapOps.max(map) - peak;

    boolean warmingUp = sequence <= config.warmupFrames();
    RobustNormalizer norm = s.normalizer();
    double z = norm.normalize(raw);
    ThresholdPolicy.Limits limits = ThresholdPolicy.limits(s.thresholds(), norm);
    Judgement verdict = limits.decide(z, warmingUp);
    List<MapRegion> regions =
        warmingUp || !limits.known() || norm.size() == 0
            ? List.of()
            : extractor.extract(
                map, h, w, norm.denormalize(limits.ng()) - textAdd + lift, f, rarity.lastLayer(),
                s.dim(s.layers() - 1), s.fewShot(), profile);
    norm.add(raw);

    boolean admit =
        seeding
            || verdict == Judgement.OK
            || (verdict == Judgement.UNSURE && (warmingUp || config.learnFromUnsure()));
    if (admit) {
      rarity.admit(s, sequence, seeding);
    }
    return new FrameScore(
        sequence, f.rows(), f.cols(), patchMap, h, w, map, raw, z, verdict, warmingUp, admit, text,
        new RarityPart(
            rarity.rarity(), rarity.calibration(), rarity.memoryImages(), rarity.imageRarity()),
        regions);
  }

  /** The text term of the profile's text branch; null without one. */
  private static TextPart textPart(ScopeProfile profile, FrameFeatures f) {
    if (profile.text() == null) {
      return null;
    }
    double imageProbability = profile.text().imageProbability(f.embedding());
    return new TextPart(imageProbability, profile.text().patchProbabilities(f));
  }

  private ScopeProfile profileOf(String scope) {
    return profiles.getOrDefault(scope, ScopeProfile.rarityOnly());
  }

  private ScopeState stateFor(String scope, FrameFeatures f) {
    ScopeState s = states.get(scope);
    if (s == null) {
      s = ScopeState.create(f, config, initialThresholds.getOrDefault(scope, config.thresholds()));
      states.put(scope, s);
      return s;
    }
    s.requireShape(scope, f);
    s.ensureImageBanks(config); // restored from a snapshot made before image-level banks existed
    s.ensurePositionalBanks(config); // ... or before positional banks existed
    return s;
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
}
