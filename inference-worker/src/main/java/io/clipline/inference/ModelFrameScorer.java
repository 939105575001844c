package io.clipline.inference;

import io.clipline.imaging.CropGeometry;
import io.clipline.imaging.DecodedFrame;
import io.clipline.imaging.Preprocessor;
import io.clipline.model.ExecutionProvider;
import io.clipline.model.ImageEncoder;
import io.clipline.model.ImageFeatures;
import io.clipline.model.ImageFeatures.PatchLayer;
import io.clipline.model.InferenceOptions;
import io.clipline.model.ModelManifest;
import io.clipline.model.OnnxSimilarityKernel;
import io.clipline.model.TextEncoder;
import io.clipline.schemas.BoundingBox;
import io.clipline.schemas.LabelAction;
import io.clipline.schemas.OperatorLabel;
import io.clipline.scoring.DefectTypes;
import io.clipline.scoring.FrameFeatures;
import io.clipline.scoring.FrameScore;
import io.clipline.scoring.PromptEnsemble;
import io.clipline.scoring.Region;
import io.clipline.scoring.ScopeProfile;
import io.clipline.scoring.ScoringConfig;
import io.clipline.scoring.ScoringEngine;
import io.clipline.scoring.TextBranch;
import io.clipline.scoring.Thresholds;
import io.clipline.scoring.Verdict;
import io.clipline.worker.FrameResult;
import io.clipline.worker.FrameScorer;
import io.clipline.worker.InferredBatch;
import io.clipline.worker.LabelOutcome;
import io.clipline.worker.ScorableFrame;
import io.clipline.worker.ScoredBatch;
import io.clipline.worker.WorkerConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The product scorer: preprocesses a batch as the model's manifest says, runs the image tower
 * once for the whole batch, and scores each frame in its scope with the {@link ScoringEngine}.
 *
 * <p>When the model has a text tower, the normal and anomalous prompt ensembles are embedded
 * once here, at start-up, and every scope gets the resulting zero-shot text branch. Scopes are
 * product × camera, so each camera view of each product has its own rarity memory.
 *
 * <p>Operator labels ({@link #applyLabel}) reach the engine through a bounded cache of the last
 * scored frames: a frame labelled NG is forgotten by its scope's memory, and a labelled defect
 * region becomes a few-shot example of its type.
 */
public final class ModelFrameScorer implements FrameScorer {
  private static final Logger LOG = LoggerFactory.getLogger(ModelFrameScorer.class);
  /** CLIP's learned logit scale. */
  private static final double TEXT_TAU = 100.0;
  public static final String SCORER_VERSION = "rareclip-stream-1";
  /**
   * The engine's similarity products run in ONNX Runtime (about 6.7x faster than Java for a
   * CLIP layer of 768 dims, 1.3x for the texture model's 22, on one CPU thread; on the GPU
   * with the image tower), except those of fewer multiply-adds than this, where ONNX Runtime's
   * per-run overhead dominates (docs/BENCHMARKS.md).
   */
  static final long ONNX_KERNEL_MIN_PRODUCT = 1L << 20;
  /** Defect types operators may teach one scope; a further type is ignored. */
  static final int MAX_LABELLED_TYPES = 64;

  private final ModelManifest manifest;
  private final ImageEncoder encoder;
  /** The engine's similarity kernel; closed with the scorer. */
  private final OnnxSimilarityKernel kernel;
  private final Preprocessor preprocessor;
  private final ScoringEngine engine;
  private final ScopeProfile profile;
  /** Each scope's profile as configured in the engine, widened by labelled defect types. */
  private final Map<String, ScopeProfile> profiles = new HashMap<>();
  /**
   * The last {@code labelCacheFrames} scored frames by frameId, oldest first, for labels; only
   * the scoring thread touches it.
   */
  private final Map<String, RecentFrame> recentFrames;
  private final int labelCacheFrames;
  private final Map<LabelOutcome, AtomicLong> labelCounts = new EnumMap<>(LabelOutcome.class);
  /** Prototypes per scope, refreshed by the scoring thread after each batch; read by metrics. */
  private final Map<String, Integer> prototypesByScope = new ConcurrentHashMap<>();
  private float[] input = new float[0];

  private ModelFrameScorer(ModelManifest manifest, ImageEncoder encoder,
      OnnxSimilarityKernel kernel, ScoringEngine engine, ScopeProfile profile,
      int labelCacheFrames) {
    if (labelCacheFrames < 0) {
      throw new IllegalArgumentException("labelCacheFrames must be >= 0, got " + labelCacheFrames);
    }
    this.manifest = manifest;
    this.encoder = encoder;
    this.kernel = kernel;
    this.preprocessor = new Preprocessor(manifest.image());
    this.engine = engine;
    this.profile = profile;
    this.labelCacheFrames = labelCacheFrames;
    this.recentFrames = new LinkedHashMap<>() {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, RecentFrame> eldest) {
        return size() > labelCacheFrames;
      }
    };
    for (LabelOutcome outcome : List.of(
        LabelOutcome.APPLIED, LabelOutcome.UNKNOWN_FRAME, LabelOutcome.IGNORED)) {
      labelCounts.put(outcome, new AtomicLong());
    }
  }

  /**
   * Loads the model folder, opens the image tower and, when there is one, embeds the prompts
   * with the text tower (which is closed again right after). Keeps no frames for labels.
   *
   * @param productNoun the noun the prompts describe, e.g. "object" or "magnetic tile"
   */
  public static ModelFrameScorer open(
      Path modelDir, InferenceOptions options, ScoringConfig scoring, String productNoun) {
    return open(modelDir, options, scoring, productNoun, 0);
  }

  /**
   * As {@link #open(Path, InferenceOptions, ScoringConfig, String)}, keeping the last {@code
   * labelCacheFrames} scored frames so that operator labels can be applied to them.
   */
  public static ModelFrameScorer open(Path modelDir, InferenceOptions options,
      ScoringConfig scoring, String productNoun, int labelCacheFrames) {
    ModelManifest manifest = ModelManifest.load(modelDir);
    ScopeProfile profile = ScopeProfile.rarityOnly();
    if (manifest.text().isPresent()) {
      try (TextEncoder text = TextEncoder.open(manifest, options)) {
        PromptEnsemble prompts = PromptEnsemble.standard();
        float[] normal = PromptEnsemble.prototype(
            Arrays.asList(text.encode(prompts.normalPrompts(productNoun))));
        float[] anomalous = PromptEnsemble.prototype(
            Arrays.asList(text.encode(prompts.anomalousPrompts(productNoun))));
        profile = new ScopeProfile(new TextBranch(normal, anomalous, TEXT_TAU, null), null);
        LOG.info("embedded {} normal and {} anomalous prompts for '{}'",
            prompts.normalPrompts(productNoun).size(), prompts.anomalousPrompts(productNoun).size(),
            productNoun);
      }
    } else {
      LOG.info("model {} has no text tower: rarity-only scoring", manifest.name());
    }
    ImageEncoder encoder = ImageEncoder.open(manifest, options);
    OnnxSimilarityKernel kernel;
    try {
      kernel = OnnxSimilarityKernel.open(options, ONNX_KERNEL_MIN_PRODUCT);
    } catch (RuntimeException e) {
      encoder.close();
      throw e;
    }
    return new ModelFrameScorer(manifest, encoder, kernel, new ScoringEngine(scoring, kernel),
        profile, labelCacheFrames);
  }

  /** Opens the model and engine the worker's configuration names. */
  public static ModelFrameScorer open(WorkerConfig config, ScoringConfig scoring) {
    InferenceOptions options = new InferenceOptions(
        ExecutionProvider.valueOf(config.getString(WorkerConfig.EXECUTION_PROVIDER)),
        config.getBoolean(WorkerConfig.REQUIRE_GPU),
        modelThreads(config.getInt(WorkerConfig.INFERENCE_THREADS),
            Runtime.getRuntime().availableProcessors()),
        config.getInt(WorkerConfig.DEVICE_ID),
        config.getBoolean(WorkerConfig.MODEL_FP16),
        InferenceOptions.defaults().optimisation());
    return open(Path.of(config.getString(WorkerConfig.MODEL_DIR)), options, scoring,
        config.getString(WorkerConfig.PRODUCT_NOUN),
        config.getBoolean(WorkerConfig.LABELS_ENABLED)
            ? config.getInt(WorkerConfig.LABELS_CACHE_FRAMES) : 0);
  }

  /**
   * ONNX Runtime's intra-op threads in the worker: as configured, or for 0 one per core less the
   * core the scoring thread needs while the model works on the next batch (at least one).
   */
  static int modelThreads(int configured, int cores) {
    return configured > 0 ? configured : Math.max(1, cores - 1);
  }

  /** Prototypes held per scope (all banks), as of each scope's last scored batch. */
  public Map<String, Integer> prototypesByScope() {
    return Map.copyOf(prototypesByScope);
  }

  /** The engine, for operator labels, thresholds and snapshots. */
  public ScoringEngine engine() {
    return engine;
  }

  @Override
  public ScoredBatch score(List<ScorableFrame> frames) {
    return score(infer(frames));
  }

  /** Runs the image tower; touches only the encoder and its input buffer, never the engine. */
  @Override
  public InferredBatch infer(List<ScorableFrame> frames) {
    int n = frames.size();
    List<DecodedFrame> images = new ArrayList<>(n);
    frames.forEach(f -> images.add(f.image()));
    CropGeometry[] crops = new CropGeometry[n];
    long start = System.nanoTime();
    ImageFeatures features = encode(images, crops);
    return new InferredBatch(frames, new ModelOutput(features, crops), System.nanoTime() - start);
  }

  /** Scores a batch {@link #infer} produced; touches only the engine. */
  @Override
  public ScoredBatch score(InferredBatch batch) {
    if (!(batch.modelOutput() instanceof ModelOutput)) {
      throw new IllegalArgumentException("batch was not inferred by this scorer: "
          + batch.modelOutput());
    }
    ModelOutput output = (ModelOutput) batch.modelOutput();
    List<ScorableFrame> frames = batch.frames();
    int n = frames.size();
    long scoringStart = System.nanoTime();
    List<FrameResult> results = new ArrayList<>(n);
    Set<String> touched = new LinkedHashSet<>();
    for (int i = 0; i < n; i++) {
      ScorableFrame frame = frames.get(i);
      String scope = scopeOf(frame);
      configure(scope);
      FrameFeatures features = frameFeatures(output.features(), i, manifest);
      FrameScore score = engine.score(scope, features);
      results.add(resultOf(scope, score, output.crops()[i]));
      remember(frame.frameId(), scope, score.sequence(), features, output.crops()[i]);
      touched.add(scope);
    }
    // Bank sizes are for metrics: once per scope and batch, not per frame.
    for (String scope : touched) {
      prototypesByScope.put(scope, IntStream.of(engine.stats(scope).prototypes()).sum());
    }
    return new ScoredBatch(results, batch.inferenceNanos(), System.nanoTime() - scoringStart);
  }

  /** Gives a scope seen for the first time the scorer's profile. */
  private void configure(String scope) {
    profiles.computeIfAbsent(scope, s -> {
      engine.configureScope(s, profile);
      return profile;
    });
  }

  /**
   * Applies an operator label to the engine when its frame is among the last {@code
   * labels.cache.frames} scored (in the scope that scored it):
   *
   * <ul>
   *   <li>NG confirmed or set by an override: the scope's memory forgets what it learned from the
   *       frame ({@link ScoringEngine#label}), so that a defect does not become "normal";
   *   <li>a defect type with a region: the region, mapped from frame pixels onto the model input,
   *       is pooled as the engine pools detected regions and becomes a few-shot example of the
   *       type ({@link ScoringEngine#addDefectExample}); a type new to the scope joins its defect
   *       types (up to {@value #MAX_LABELLED_TYPES}), so later regions can be typed with it.
   * </ul>
   *
   * <p>Everything else is ignored: OK confirmations, a type without a region, a region outside
   * the model input, and RETRACT, because what a label changed cannot be undone: the forgotten
   * prototypes are gone and a few-shot example cannot be told apart from later ones. Never throws
   * for a label it cannot use; {@link #labels} counts each outcome.
   */
  @Override
  public void applyLabel(OperatorLabel label) {
    if (label.getAction() == LabelAction.RETRACT) {
      LOG.info("label {} retracts label {}: a change to the memory cannot be undone; ignored",
          label.getLabelId(), label.getSupersedesLabelId());
      count(LabelOutcome.IGNORED);
      return;
    }
    RecentFrame frame = recentFrames.get(label.getFrameId());
    if (frame == null) {
      LOG.debug("label {}: frame {} is not among the last {} scored; ignored", label.getLabelId(),
          label.getFrameId(), recentFrames.size());
      count(LabelOutcome.UNKNOWN_FRAME);
      return;
    }
    boolean applied = false;
    if (label.getConfirmedVerdict() == io.clipline.schemas.Verdict.NG
        && (label.getAction() == LabelAction.CONFIRM || label.getAction() == LabelAction.OVERRIDE)) {
      boolean forgot = engine.label(frame.scope(), frame.sequence(), Verdict.NG);
      LOG.debug("label {}: frame {} is NG; scope {} {}", label.getLabelId(), label.getFrameId(),
          frame.scope(), forgot ? "forgot what it learned from it" : "had learned nothing from it");
      applied = true;
    }
    String type = label.getDefectType();
    if (type != null && !type.isBlank() && label.getRegion() != null) {
      applied |= learnRegion(label, frame, type);
    }
    if (!applied) {
      LOG.debug("label {} of frame {} asks for nothing the scorer does; ignored",
          label.getLabelId(), label.getFrameId());
    }
    count(applied ? LabelOutcome.APPLIED : LabelOutcome.IGNORED);
  }

  /** Adds the label's region as a few-shot example; false when it cannot. */
  private boolean learnRegion(OperatorLabel label, RecentFrame frame, String type) {
    boolean[] mask = maskOf(label.getRegion(), frame.crop(),
        frame.features().outputHeight(), frame.features().outputWidth());
    if (mask == null) {
      LOG.info("label {}: region {} lies outside the model input of frame {}; not learned",
          label.getLabelId(), label.getRegion(), label.getFrameId());
      return false;
    }
    ScopeProfile current = profiles.get(frame.scope());
    DefectTypes types = current.defectTypes();
    if (types == null || !types.names().contains(type)) {
      List<String> names = types == null ? new ArrayList<>() : new ArrayList<>(types.names());
      if (names.size() >= MAX_LABELLED_TYPES) {
        LOG.warn("label {}: scope {} already has {} defect types; type '{}' not learned",
            label.getLabelId(), frame.scope(), names.size(), type);
        return false;
      }
      names.add(type);
      ScopeProfile widened = new ScopeProfile(current.text(),
          new DefectTypes(names, types == null ? Map.of() : types.zeroShotPrototypes()));
      engine.configureScope(frame.scope(), widened);
      profiles.put(frame.scope(), widened);
    }
    engine.addDefectExample(frame.scope(), type, ScoringEngine.regionFeature(frame.features(), mask));
    return true;
  }

  /**
   * The pixels of the {@code height x width} model-input map whose centres lie in {@code box}
   * (frame pixels), row-major; at least the pixel under the box's centre; null when the box is
   * empty or outside the model input.
   */
  static boolean[] maskOf(BoundingBox box, CropGeometry crop, int height, int width) {
    if (box.getWidth() < 1 || box.getHeight() < 1) {
      return null;
    }
    int[] cols = span(crop.toInputX(box.getX()) * width,
        crop.toInputX(box.getX() + box.getWidth()) * width, width);
    int[] rows = span(crop.toInputY(box.getY()) * height,
        crop.toInputY(box.getY() + box.getHeight()) * height, height);
    if (cols == null || rows == null) {
      return null;
    }
    boolean[] mask = new boolean[height * width];
    for (int y = rows[0]; y <= rows[1]; y++) {
      Arrays.fill(mask, y * width + cols[0], y * width + cols[1] + 1, true);
    }
    return mask;
  }

  /** First and last map pixel whose centre lies in [from, to), within [0, size); or null. */
  private static int[] span(double from, double to, int size) {
    int first = (int) Math.ceil(from - 0.5);
    int last = (int) Math.ceil(to - 0.5) - 1;
    if (last < first) {
      first = (int) Math.floor((from + to) / 2);
      last = first;
    }
    first = Math.max(first, 0);
    last = Math.min(last, size - 1);
    return first <= last ? new int[] {first, last} : null;
  }

  /** Labels the scorer was handed that came to {@code outcome}; 0 for the worker's outcomes. */
  public long labels(LabelOutcome outcome) {
    AtomicLong count = labelCounts.get(outcome);
    return count == null ? 0 : count.get();
  }

  private void count(LabelOutcome outcome) {
    labelCounts.get(outcome).incrementAndGet();
  }

  /** Keeps a scored frame for labels: only the last layer, the one regions are pooled from. */
  private void remember(String frameId, String scope, long sequence, FrameFeatures features,
      CropGeometry crop) {
    if (labelCacheFrames == 0) {
      return;
    }
    FrameFeatures lastLayer = FrameFeatures.ofPatches(features.rows(), features.cols(),
        List.of(features.layers().get(features.layers().size() - 1)),
        features.outputHeight(), features.outputWidth());
    recentFrames.put(frameId, new RecentFrame(scope, sequence, lastLayer, crop));
  }

  /** A scored frame as a label needs it. */
  private record RecentFrame(
      String scope, long sequence, FrameFeatures features, CropGeometry crop) {}

  /** What {@link #infer} hands to {@link #score(InferredBatch)}. */
  private record ModelOutput(ImageFeatures features, CropGeometry[] crops) {}

  /** One frame's full engine result and where the model input lies in the frame. */
  public record DetailedScore(FrameScore score, CropGeometry crop) {}

  /**
   * Scores decoded frames of one scope in the given order, or with {@code seed} learns them as
   * known-good k-shot frames ({@link ScoringEngine#seed}), and returns the engine's full results
   * (the anomaly map at model-input resolution included). For offline evaluation; the features
   * are built exactly as {@link #score} builds them.
   */
  public List<DetailedScore> scoreDetailed(String scope, List<DecodedFrame> images, boolean seed) {
    configure(scope);
    List<DetailedScore> results = new ArrayList<>(images.size());
    for (EncodedFrame e : encodeDetailed(images)) {
      FrameFeatures f = e.features();
      results.add(new DetailedScore(seed ? engine.seed(scope, f) : engine.score(scope, f), e.crop()));
    }
    return results;
  }

  /** One frame's features as the engine receives them and where the model input lies in the frame. */
  public record EncodedFrame(FrameFeatures features, CropGeometry crop) {}

  /**
   * Preprocesses and encodes decoded frames exactly as {@link #score} does, without scoring them.
   * For offline evaluation.
   */
  public List<EncodedFrame> encodeDetailed(List<DecodedFrame> images) {
    int n = images.size();
    CropGeometry[] crops = new CropGeometry[n];
    ImageFeatures features = encode(images, crops);
    List<EncodedFrame> encoded = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      encoded.add(new EncodedFrame(frameFeatures(features, i, manifest), crops[i]));
    }
    return encoded;
  }

  /** Preprocesses the images into the reused input buffer and runs the image tower once. */
  private ImageFeatures encode(List<DecodedFrame> images, CropGeometry[] crops) {
    int n = images.size();
    int sample = preprocessor.sampleSize();
    if (input.length < n * sample) {
      input = new float[n * sample];
    }
    for (int i = 0; i < n; i++) {
      crops[i] = preprocessor.preprocess(images.get(i), input, i * sample);
    }
    return encoder.encode(input, n);
  }

  /**
   * The engine's view of frame {@code i} of an encoded batch: its patch layers (copied out of the
   * batch) and embedding, with the model input's size as the output map's.
   */
  public static FrameFeatures frameFeatures(ImageFeatures features, int i, ModelManifest manifest) {
    List<float[]> layers = new ArrayList<>();
    int rows = 0;
    int cols = 0;
    for (PatchLayer layer : features.layers()) {
      int size = layer.rows() * layer.cols() * layer.dim();
      layers.add(Arrays.copyOfRange(layer.values(), i * size, (i + 1) * size));
      rows = layer.rows();
      cols = layer.cols();
    }
    float[] embedding = features.embeddings().map(e -> e[i]).orElse(null);
    return new FrameFeatures(rows, cols, layers, embedding,
        manifest.image().height(), manifest.image().width());
  }

  private FrameResult resultOf(String scope, FrameScore score, CropGeometry crop) {
    Thresholds thresholds = engine.thresholds(scope);
    List<FrameResult.Region> regions = new ArrayList<>();
    for (Region r : score.regions()) {
      int x0 = (int) Math.floor(crop.toSourceX(r.left() / (double) score.outputWidth()));
      int y0 = (int) Math.floor(crop.toSourceY(r.top() / (double) score.outputHeight()));
      int x1 = (int) Math.ceil(crop.toSourceX((r.right() + 1) / (double) score.outputWidth()));
      int y1 = (int) Math.ceil(crop.toSourceY((r.bottom() + 1) / (double) score.outputHeight()));
      double scale = (double) crop.width() * crop.height()
          / ((double) score.outputWidth() * score.outputHeight());
      regions.add(new FrameResult.Region(x0, y0, Math.max(1, x1 - x0), Math.max(1, y1 - y0),
          Math.round(r.area() * scale), r.peak(), r.mean(), r.defectType(),
          (float) r.confidence(), r.runnerUp(), (float) r.runnerUpConfidence()));
    }
    Float text = score.text() == null ? null : (float) score.text().imageProbability();
    return new FrameResult(
        score.verdict().name(),
        (float) score.normalizedScore(),
        (float) score.rawScore(),
        (float) thresholds.ok(),
        (float) thresholds.ng(),
        thresholdVersion(thresholds),
        text,
        max(score.rarity() == null ? null : score.rarity().patchMap()),
        scope,
        score.warmingUp(),
        score.sequence(),
        new FrameResult.AnomalyGrid(score.rows(), score.cols(), score.patchMap()),
        regions);
  }

  private static String thresholdVersion(Thresholds t) {
    return t.rateBased()
        ? String.format(Locale.ROOT, "frr=%.4f,band=%.2f", t.targetFalseRejectRate(), t.unsureBand())
        : String.format(Locale.ROOT, "ok=%.3f,ng=%.3f", t.ok(), t.ng());
  }

  private static float max(float[] values) {
    if (values == null || values.length == 0) {
      return 0f;
    }
    float m = Float.NEGATIVE_INFINITY;
    for (float v : values) {
      m = Math.max(m, v);
    }
    return m;
  }

  /** Product × camera: one rarity memory per view of a product. */
  @Override
  public String scopeOf(ScorableFrame frame) {
    return frame.product().isEmpty() ? frame.cameraId() : frame.product() + "@" + frame.cameraId();
  }

  /**
   * The engine's snapshots of the given scopes it holds ({@link ScoringEngine#snapshot}): rarity
   * banks, score statistics and calibration; not the profile, which is this scorer's
   * configuration, nor defect types labels added to it.
   */
  @Override
  public Map<String, byte[]> snapshotScopes(Collection<String> scopes) {
    Set<String> held = engine.scopes();
    Map<String, byte[]> snapshots = new LinkedHashMap<>();
    for (String scope : scopes) {
      if (held.contains(scope)) {
        snapshots.put(scope, engine.snapshot(scope));
      }
    }
    return snapshots;
  }

  /** Restores a scope from {@link #snapshotScopes} bytes and gives it this scorer's profile. */
  @Override
  public void restoreScope(String scope, byte[] state) {
    engine.restore(scope, state);
    configure(scope);
    prototypesByScope.put(scope, IntStream.of(engine.stats(scope).prototypes()).sum());
  }

  @Override
  public String modelVersion() {
    return manifest.name();
  }

  @Override
  public String scorerVersion() {
    return SCORER_VERSION;
  }

  @Override
  public String executionProvider() {
    return encoder.provider().selected().name();
  }

  @Override
  public void close() {
    try {
      encoder.close();
    } finally {
      kernel.close();
    }
  }

  /** The model's kind, for messages such as "scores mean nothing" on random models. */
  public ModelManifest.Kind kind() {
    return manifest.kind();
  }

  /** The manifest's description of the model. */
  public Optional<String> description() {
    return Optional.ofNullable(manifest.description());
  }
}
