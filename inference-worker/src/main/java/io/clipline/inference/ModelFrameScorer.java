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
import io.clipline.model.TextEncoder;
import io.clipline.scoring.FrameFeatures;
import io.clipline.scoring.FrameScore;
import io.clipline.scoring.PromptEnsemble;
import io.clipline.scoring.Region;
import io.clipline.scoring.ScopeProfile;
import io.clipline.scoring.ScoringConfig;
import io.clipline.scoring.ScoringEngine;
import io.clipline.scoring.TextBranch;
import io.clipline.scoring.Thresholds;
import io.clipline.worker.FrameResult;
import io.clipline.worker.FrameScorer;
import io.clipline.worker.InferredBatch;
import io.clipline.worker.ScorableFrame;
import io.clipline.worker.ScoredBatch;
import io.clipline.worker.WorkerConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 */
public final class ModelFrameScorer implements FrameScorer {
  private static final Logger LOG = LoggerFactory.getLogger(ModelFrameScorer.class);
  /** CLIP's learned logit scale. */
  private static final double TEXT_TAU = 100.0;
  public static final String SCORER_VERSION = "rareclip-stream-1";

  private final ModelManifest manifest;
  private final ImageEncoder encoder;
  private final Preprocessor preprocessor;
  private final ScoringEngine engine;
  private final ScopeProfile profile;
  private final Set<String> configured = new HashSet<>();
  /** Prototypes per scope, refreshed by the scoring thread after each batch; read by metrics. */
  private final Map<String, Integer> prototypesByScope = new ConcurrentHashMap<>();
  private float[] input = new float[0];

  private ModelFrameScorer(
      ModelManifest manifest, ImageEncoder encoder, ScoringEngine engine, ScopeProfile profile) {
    this.manifest = manifest;
    this.encoder = encoder;
    this.preprocessor = new Preprocessor(manifest.image());
    this.engine = engine;
    this.profile = profile;
  }

  /**
   * Loads the model folder, opens the image tower and, when there is one, embeds the prompts
   * with the text tower (which is closed again right after).
   *
   * @param productNoun the noun the prompts describe, e.g. "object" or "magnetic tile"
   */
  public static ModelFrameScorer open(
      Path modelDir, InferenceOptions options, ScoringConfig scoring, String productNoun) {
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
    return new ModelFrameScorer(manifest, encoder, new ScoringEngine(scoring), profile);
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
        config.getString(WorkerConfig.PRODUCT_NOUN));
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
      if (configured.add(scope)) {
        engine.configureScope(scope, profile);
      }
      FrameScore score = engine.score(scope, featuresOf(output.features(), i));
      results.add(resultOf(scope, score, output.crops()[i]));
      touched.add(scope);
    }
    // Bank sizes are for metrics: once per scope and batch, not per frame.
    for (String scope : touched) {
      prototypesByScope.put(scope, IntStream.of(engine.stats(scope).prototypes()).sum());
    }
    return new ScoredBatch(results, batch.inferenceNanos(), System.nanoTime() - scoringStart);
  }

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
    if (configured.add(scope)) {
      engine.configureScope(scope, profile);
    }
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
      encoded.add(new EncodedFrame(featuresOf(features, i), crops[i]));
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

  private FrameFeatures featuresOf(ImageFeatures features, int i) {
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
  static String scopeOf(ScorableFrame frame) {
    return frame.product().isEmpty() ? frame.cameraId() : frame.product() + "@" + frame.cameraId();
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
    encoder.close();
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
