package io.clipline.inference;

import io.clipline.imaging.CropGeometry;
import io.clipline.imaging.Preprocessor.PreparedFrame;
import io.clipline.model.ExecutionProvider;
import io.clipline.model.ImageEncoder;
import io.clipline.model.InferenceOptions;
import io.clipline.model.ModelManifest;
import io.clipline.model.OnnxSimilarityKernel;
import io.clipline.model.TextEncoder;
import io.clipline.schemas.OperatorLabel;
import io.clipline.scoring.FrameFeatures;
import io.clipline.scoring.FrameScore;
import io.clipline.scoring.PromptEnsemble;
import io.clipline.scoring.ScopeProfile;
import io.clipline.scoring.ScoringConfig;
import io.clipline.scoring.ScoringEngine;
import io.clipline.scoring.TextBranch;
import io.clipline.worker.FrameResult;
import io.clipline.worker.FrameScorer;
import io.clipline.worker.InferredBatch;
import io.clipline.worker.LabelOutcome;
import io.clipline.worker.ScorableFrame;
import io.clipline.worker.ScoredBatch;
import io.clipline.worker.WorkerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 *
 * <p>The parts, in the order a batch passes them: {@link FeatureExtractor} (model stage), the
 * {@link ScoringEngine} (which also holds each scope's profile), {@link ResultMapper} (engine
 * result to worker result), {@link LabelApplier} (operator labels). {@link OfflineScorer} is the
 * same model and engine for evaluation.
 */
public final class ModelFrameScorer implements FrameScorer<EncodedBatch> {
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
  /** How long {@link #close} waits for bank tasks of a call still in progress. */
  private static final Duration BANK_THREADS_STOP = Duration.ofSeconds(10);
  private final ModelManifest manifest;
  private final FeatureExtractor extractor;
  /** The engine's similarity kernel; closed with the scorer. */
  private final OnnxSimilarityKernel kernel;
  /** The threads that assess a frame's patch banks; null when the engine runs them inline. */
  private final ExecutorService bankThreads;
  /** Holds each scope's profile: the one given here, widened by labelled defect types. */
  private final ScoringEngine engine;
  private final ScopeProfile profile;
  private final LabelApplier labels;
  /** Prototypes per scope, refreshed by the scoring thread after each batch; read by metrics. */
  private final Map<String, Integer> prototypesByScope = new ConcurrentHashMap<>();

  private ModelFrameScorer(ModelManifest manifest, FeatureExtractor extractor,
      OnnxSimilarityKernel kernel, ExecutorService bankThreads, ScoringEngine engine,
      ScopeProfile profile, int labelCacheFrames) {
    this.labels = new LabelApplier(engine, labelCacheFrames);
    this.manifest = manifest;
    this.extractor = extractor;
    this.kernel = kernel;
    this.bankThreads = bankThreads;
    this.engine = engine;
    this.profile = profile;
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
    return open(modelDir, options, scoring, productNoun, labelCacheFrames, 0);
  }

  /**
   * As {@link #open(Path, InferenceOptions, ScoringConfig, String, int)}, with {@code
   * scoringThreads} threads assessing each frame's patch banks at once (0: one per core; 1: the
   * scoring thread alone). The scores are the same for every count.
   */
  public static ModelFrameScorer open(Path modelDir, InferenceOptions options,
      ScoringConfig scoring, String productNoun, int labelCacheFrames, int scoringThreads) {
    if (scoringThreads < 0) {
      throw new IllegalArgumentException("scoringThreads must be >= 0, got " + scoringThreads);
    }
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
    int threads = scoringThreads(scoringThreads, Runtime.getRuntime().availableProcessors());
    ExecutorService bankThreads = threads > 1 ? bankThreads(threads) : null;
    try {
      ScoringEngine engine = bankThreads == null
          ? new ScoringEngine(scoring, kernel)
          : new ScoringEngine(scoring, kernel, bankThreads);
      return new ModelFrameScorer(manifest, new FeatureExtractor(manifest, encoder), kernel,
          bankThreads, engine, profile, labelCacheFrames);
    } catch (RuntimeException e) {
      encoder.close();
      kernel.close();
      if (bankThreads != null) {
        bankThreads.shutdownNow();
      }
      throw e;
    }
  }

  /** Threads assessing patch banks: as configured, or for 0 one per core. */
  static int scoringThreads(int configured, int cores) {
    return configured > 0 ? configured : Math.max(1, cores);
  }

  /** A fixed pool of daemon threads named {@code clipline-banks-N}. */
  private static ExecutorService bankThreads(int threads) {
    AtomicInteger made = new AtomicInteger();
    return Executors.newFixedThreadPool(threads, task -> {
      Thread t = new Thread(task, "clipline-banks-" + made.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /** Opens the model and the engine the worker's configuration names, scoring settings included. */
  public static ModelFrameScorer open(WorkerConfig config) {
    return open(config, scoring(config));
  }

  /** The engine's defaults with the worker's scoring settings ({@code scoring.*}). */
  public static ScoringConfig scoring(WorkerConfig config) {
    return ScoringConfig.builder()
        .positionalWeight(config.getDouble(WorkerConfig.SCORING_POSITIONAL_WEIGHT))
        .build();
  }

  /** Opens the model and engine the worker's configuration names, with {@code scoring}. */
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
            ? config.getInt(WorkerConfig.LABELS_CACHE_FRAMES) : 0,
        config.getInt(WorkerConfig.SCORING_THREADS));
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

  /**
   * Resizes the frame for the image tower ({@link FeatureExtractor#prepare}) and releases its
   * decoded pixels ({@link ScorableFrame#withPrepared}); any thread.
   */
  @Override
  public ScorableFrame prepare(ScorableFrame frame) {
    return frame.withPrepared(extractor.prepare(frame.pixels()));
  }

  /**
   * Runs the image tower on the frames' {@link #prepare}d inputs, preparing those that have none;
   * touches only the feature extractor, never the engine.
   */
  @Override
  public InferredBatch<EncodedBatch> infer(List<ScorableFrame> frames) {
    long start = System.nanoTime();
    List<PreparedFrame> inputs = new ArrayList<>(frames.size());
    for (ScorableFrame f : frames) {
      inputs.add(f.prepared().orElseGet(() -> extractor.prepare(f.pixels())));
    }
    EncodedBatch output = extractor.encodePrepared(inputs);
    return new InferredBatch<>(frames, output, System.nanoTime() - start);
  }

  /** Scores a batch {@link #infer} produced; touches only the engine. */
  @Override
  public ScoredBatch score(InferredBatch<EncodedBatch> batch) {
    EncodedBatch output = batch.modelOutput();
    List<ScorableFrame> frames = batch.frames();
    int n = frames.size();
    long scoringStart = System.nanoTime();
    List<FrameResult> results = new ArrayList<>(n);
    Set<String> touched = new LinkedHashSet<>();
    List<String> scopes = frames.stream().map(this::scopeOf).toList();
    ScopeGrids.check(engine, manifest.image().resize(), scopes,
        frames.stream()
            .map(f -> new ScopeGrids.Frame(f.frameId(), f.width(), f.height()))
            .toList(),
        output.frames());
    for (int i = 0; i < n; i++) {
      ScorableFrame frame = frames.get(i);
      String scope = scopes.get(i);
      configure(scope);
      FrameFeatures features = output.frames().get(i);
      FrameScore score = engine.score(scope, features);
      CropGeometry crop = output.crops()[i];
      results.add(ResultMapper.toResult(scope, score, crop, engine.thresholds(scope)));
      labels.remember(frame.frameId(), scope, score.sequence(), features, crop, score.admitted());
      touched.add(scope);
    }
    // Bank sizes are for metrics: once per scope and batch, not per frame.
    for (String scope : touched) {
      prototypesByScope.put(scope, IntStream.of(engine.stats(scope).prototypes()).sum());
    }
    return new ScoredBatch(results, batch.inferenceNanos(), System.nanoTime() - scoringStart);
  }

  /** Gives a scope seen for the first time the scorer's profile (the engine holds it). */
  void configure(String scope) {
    if (engine.profile(scope).isEmpty()) {
      engine.configureScope(scope, profile);
    }
  }

  /** The model's manifest, for the offline scorer. */
  ModelManifest manifest() {
    return manifest;
  }

  /** The model stage, for the offline scorer. */
  FeatureExtractor features() {
    return extractor;
  }

  /**
   * Applies an operator label to the engine when its frame is among the last {@code
   * labels.cache.frames} scored (in the scope that scored it): NG forgets what the scope learned
   * from the frame, a typed region becomes a few-shot example of its type; see {@link
   * LabelApplier}. Never throws for a label it cannot use; {@link #labels} counts each outcome.
   */
  @Override
  public void applyLabel(OperatorLabel label) {
    labels.apply(label);
  }

  /** Labels the scorer was handed that came to {@code outcome}; 0 for the worker's outcomes. */
  public long labels(LabelOutcome outcome) {
    return labels.labels(outcome);
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
    return extractor.executionProvider();
  }

  @Override
  public void close() {
    try {
      extractor.close();
    } finally {
      try {
        stopBankThreads();
      } finally {
        kernel.close();
      }
    }
  }

  /**
   * Stops the bank threads before the kernel they call is closed. An engine call returns only
   * after its bank tasks, so with no call in progress they are idle and stop at once; the wait is
   * bounded in case a caller closes the scorer during a call.
   */
  private void stopBankThreads() {
    if (bankThreads == null) {
      return;
    }
    bankThreads.shutdown();
    try {
      if (!bankThreads.awaitTermination(BANK_THREADS_STOP.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("bank threads still busy {} after close; closing the kernel anyway",
            BANK_THREADS_STOP);
        bankThreads.shutdownNow();
      }
    } catch (InterruptedException e) {
      bankThreads.shutdownNow();
      Thread.currentThread().interrupt();
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
