package io.clipline.worker.metrics;

import io.clipline.schemas.DeadLetter;
import io.clipline.schemas.FrameVerdict;
import io.clipline.schemas.StageLatencies;
import io.clipline.schemas.Verdict;
import io.clipline.worker.InferenceWorker;
import io.clipline.worker.LabelOutcome;
import io.clipline.worker.WorkerListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;
import java.util.function.ToLongFunction;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * The worker's meters, fed by its {@link WorkerListener} callbacks. Prometheus names:
 *
 * <ul>
 *   <li>{@code clipline_worker_frames_total{line,camera}}: frames finished (verdict or dead letter);
 *   <li>{@code clipline_worker_verdicts_total{line,camera,verdict}}: committed verdicts;
 *   <li>{@code clipline_worker_ng_frames_total{line,defect_type}}: NG verdicts by top defect type;
 *   <li>{@code clipline_worker_dead_letters_total{line,camera,reason}}: dead letters by reason code;
 *       a series with {@code reason="none"} stays at 0 for each camera from its first verdict (and
 *       for {@code line="unknown",camera="unknown"} from the start), so that a healthy line's
 *       dashboards and alerts read 0 dead letters rather than no data;
 *   <li>{@code clipline_worker_stage_latency_seconds{line,stage}}: histogram per stage ({@code queue,
 *       fetch, decode, batch_wait, inference, scoring, produce});
 *   <li>{@code clipline_worker_end_to_end_latency_seconds{line}}: capture to verdict, histogram;
 *   <li>{@code clipline_worker_batch_size_frames}: frames per micro-batch, histogram;
 *   <li>{@code clipline_worker_batch_scoring_seconds}: model and scoring time per batch;
 *   <li>{@code clipline_worker_frames_in_flight}: frames polled and not yet committed;
 *   <li>{@code clipline_worker_bank_prototypes{scope}}: prototypes in each rarity bank;
 *   <li>{@code clipline_worker_labels_total{outcome}}: operator label records by what became of
 *       them ({@code applied, unknown_frame, ignored, duplicate, undecodable, failed}), 0 until
 *       {@link #bindLabels} was called;
 *   <li>{@code clipline_worker_execution_provider{provider}}: 1 for the provider in use;
 *   <li>{@code clipline_worker_state{state}}: 1 for the worker's current state, 0 for the others;
 *   <li>{@code clipline_worker_tag_overflow_total{tag}}: values folded into {@code other};
 *   <li>{@code kafka_consumer_*}, {@code kafka_producer_*}: the clients' own metrics, once
 *       {@link #bindKafkaClients} was called.
 * </ul>
 *
 * <p>Camera, line, reason, defect-type and scope values are capped ({@link TagLimits}); values
 * past the cap are counted under {@code other}. Listener methods are called on the inference
 * thread; every method here is thread-safe.
 */
public final class WorkerMetrics implements WorkerListener, AutoCloseable {
  public static final String FRAMES = "clipline.worker.frames";
  public static final String VERDICTS = "clipline.worker.verdicts";
  public static final String NG_FRAMES = "clipline.worker.ng.frames";
  public static final String DEAD_LETTERS = "clipline.worker.dead.letters";
  public static final String STAGE_LATENCY = "clipline.worker.stage.latency";
  public static final String END_TO_END_LATENCY = "clipline.worker.end.to.end.latency";
  public static final String BATCH_SIZE = "clipline.worker.batch.size";
  public static final String BATCH_SCORING = "clipline.worker.batch.scoring";
  public static final String FRAMES_IN_FLIGHT = "clipline.worker.frames.in.flight";
  public static final String BANK_PROTOTYPES = "clipline.worker.bank.prototypes";
  public static final String LABELS = "clipline.worker.labels";
  public static final String EXECUTION_PROVIDER = "clipline.worker.execution.provider";
  public static final String STATE = "clipline.worker.state";
  public static final String TAG_OVERFLOW = "clipline.worker.tag.overflow";

  /** The reason tag of the dead-letter series that stays at zero. */
  public static final String NO_DEAD_LETTER = "none";

  /** Latency buckets: from a millisecond (one stage) to half a minute (a stalled line). */
  private static final Duration[] LATENCY_BUCKETS = {
      Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
      Duration.ofMillis(20), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(200),
      Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5),
      Duration.ofSeconds(10), Duration.ofSeconds(30)};
  private static final double[] BATCH_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};

  /**
   * How many distinct values each tag may take before newcomers are folded into {@code other}.
   */
  public record TagLimits(int cameras, int lines, int reasons, int defectTypes, int scopes) {
    /** 256 cameras, 32 lines, 64 dead-letter reasons, 64 defect types, 1024 scopes. */
    public static final TagLimits DEFAULT = new TagLimits(256, 32, 64, 64, 1024);
  }

  private final MeterRegistry registry;
  private final Clock clock;
  private final BoundedTagValues cameras;
  private final BoundedTagValues lines;
  private final BoundedTagValues reasons;
  private final BoundedTagValues defectTypes;
  private final int scopeLimit;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();
  private final DistributionSummary batchSize;
  private final Timer batchScoring;
  private final MultiGauge executionProvider;
  private final MultiGauge bankPrototypes;
  private final AtomicReference<String> provider = new AtomicReference<>();
  private final AtomicReference<InferenceWorker.State> state =
      new AtomicReference<>(InferenceWorker.State.CREATED);
  private final AtomicReference<IntSupplier> inFlight = new AtomicReference<>(() -> 0);
  private final AtomicReference<ToLongFunction<LabelOutcome>> labels =
      new AtomicReference<>(outcome -> 0);
  private final List<KafkaClientMetrics> kafkaBinders = new CopyOnWriteArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  /** Meters with {@link TagLimits#DEFAULT} and the system clock. */
  public WorkerMetrics(MeterRegistry registry, String executionProvider) {
    this(registry, executionProvider, TagLimits.DEFAULT, Clock.systemUTC());
  }

  /**
   * @param executionProvider the provider the scorer reports at start-up; verdicts update it
   * @param clock measures the produce stage (commit time minus verdict time)
   */
  public WorkerMetrics(
      MeterRegistry registry, String executionProvider, TagLimits limits, Clock clock) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.clock = Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(limits, "limits");
    this.cameras = bounded("camera", limits.cameras());
    this.lines = bounded("line", limits.lines());
    this.reasons = bounded("reason", limits.reasons());
    this.defectTypes = bounded("defect_type", limits.defectTypes());
    this.scopeLimit = limits.scopes();
    // Registered at zero, so that increase() and alerts see the series before the first overflow.
    for (String tag : List.of("camera", "line", "reason", "defect_type", "scope")) {
      overflowCounter(tag);
    }
    noDeadLetters(BoundedTagValues.UNKNOWN, BoundedTagValues.UNKNOWN);
    this.batchSize = DistributionSummary.builder(BATCH_SIZE)
        .description("Frames per scored micro-batch")
        .baseUnit("frames")
        .serviceLevelObjectives(BATCH_BUCKETS)
        .register(registry);
    this.batchScoring = Timer.builder(BATCH_SCORING)
        .description("Time to score one micro-batch: model run plus scoring engine")
        .serviceLevelObjectives(LATENCY_BUCKETS)
        .register(registry);
    Gauge.builder(FRAMES_IN_FLIGHT, inFlight, supplier -> supplier.get().getAsInt())
        .description("Frames polled from Kafka and not yet committed")
        .register(registry);
    for (LabelOutcome outcome : LabelOutcome.values()) {
      FunctionCounter.builder(LABELS, labels, counts -> counts.get().applyAsLong(outcome))
          .description("Operator label records by what became of them")
          .tag("outcome", outcome.tag())
          .register(registry);
    }
    for (InferenceWorker.State s : InferenceWorker.State.values()) {
      Gauge.builder(STATE, state, current -> current.get() == s ? 1 : 0)
          .description("1 for the worker's current lifecycle state, 0 for the others")
          .tag("state", s.name())
          .register(registry);
    }
    this.executionProvider = MultiGauge.builder(EXECUTION_PROVIDER)
        .description("1 for the ONNX Runtime execution provider that scores frames (CUDA, CPU ...)")
        .register(registry);
    this.bankPrototypes = MultiGauge.builder(BANK_PROTOTYPES)
        .description("Prototypes held in each rarity scope's bank")
        .register(registry);
    updateProvider(executionProvider);
  }

  /** Reports the worker's in-flight count, for example {@code worker::framesInFlight}. */
  public void bindInFlight(IntSupplier framesInFlight) {
    inFlight.set(Objects.requireNonNull(framesInFlight, "framesInFlight"));
  }

  /**
   * Reports operator labels by outcome, read from {@code labelsByOutcome} at each scrape; for
   * example the sum of the worker's and the scorer's counts.
   */
  public void bindLabels(ToLongFunction<LabelOutcome> labelsByOutcome) {
    labels.set(Objects.requireNonNull(labelsByOutcome, "labelsByOutcome"));
  }

  /**
   * Exports the clients' own metrics (consumer lag, fetch and send rates, connections) as
   * {@code kafka_consumer_*} and {@code kafka_producer_*}. Call once per client set; the
   * binders stop with {@link #close()}.
   */
  public void bindKafkaClients(Consumer<?, ?> consumer, Producer<?, ?> producer) {
    ensureOpen();
    KafkaClientMetrics consumerMetrics = new KafkaClientMetrics(consumer);
    KafkaClientMetrics producerMetrics = new KafkaClientMetrics(producer);
    kafkaBinders.add(consumerMetrics);
    kafkaBinders.add(producerMetrics);
    consumerMetrics.bindTo(registry);
    producerMetrics.bindTo(registry);
  }

  /** Binds the metrics of the worker's freshly created Kafka clients. */
  @Override
  public void onClientsCreated(Consumer<?, ?> consumer, Producer<?, ?> producer) {
    bindKafkaClients(consumer, producer);
  }

  /**
   * Whether the bound consumer has a live connection to a broker; false before
   * {@link #bindKafkaClients}. Meant as the {@code kafka} readiness check.
   */
  public boolean isConnectedToKafka() {
    Gauge connections = registry.find("kafka.consumer.connection.count").gauge();
    return connections != null && connections.value() > 0;
  }

  /** Whether the worker is consuming; meant as the {@code worker} readiness check. */
  public boolean isRunning() {
    return state.get() == InferenceWorker.State.RUNNING;
  }

  /**
   * Replaces the bank sizes, one row per scope. Scopes past the scope limit are left out (a
   * sum under {@code other} would mean nothing for a size) and counted as overflow.
   */
  public void bankSizes(Map<String, Integer> prototypesByScope) {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    prototypesByScope.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> {
          if (rows.size() < scopeLimit) {
            rows.add(MultiGauge.Row.of(Tags.of("scope", e.getKey()), e.getValue()));
          } else {
            overflow("scope");
          }
        });
    bankPrototypes.register(rows, true);
  }

  @Override
  public void onBatchWritten(int frames, long scoringNanos) {
    batchSize.record(frames);
    batchScoring.record(scoringNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void onVerdict(FrameVerdict verdict) {
    String line = lines.admit(verdict.getLineId());
    String camera = cameras.admit(verdict.getCameraId());
    String decision = verdict.getVerdict() == null ? BoundedTagValues.UNKNOWN : verdict.getVerdict().name();
    counter(FRAMES, "Frames finished: a verdict or a dead letter was committed",
        "line", line, "camera", camera).increment();
    noDeadLetters(line, camera);
    counter(VERDICTS, "Frame verdicts committed", "line", line, "camera", camera, "verdict", decision)
        .increment();
    if (verdict.getVerdict() == Verdict.NG) {
      counter(NG_FRAMES, "NG verdicts by the frame's top defect type",
          "line", line, "defect_type", defectTypes.admit(verdict.getTopDefectType())).increment();
    }
    StageLatencies latencies = verdict.getLatencies();
    if (latencies != null) {
      stage(line, "queue", latencies.getQueueMs());
      stage(line, "fetch", latencies.getFetchMs());
      stage(line, "decode", latencies.getDecodeMs());
      stage(line, "batch_wait", latencies.getBatchWaitMs());
      stage(line, "inference", latencies.getInferenceMs());
      stage(line, "scoring", latencies.getScoringMs());
    }
    if (verdict.getVerdictTime() != null) {
      long decided = verdict.getVerdictTime().toEpochMilli();
      stage(line, "produce", clock.millis() - decided);
      if (verdict.getCaptureTime() != null) {
        timer(END_TO_END_LATENCY, "From the frame's capture time to its verdict time", "line", line)
            .record(Math.max(0, decided - verdict.getCaptureTime().toEpochMilli()), TimeUnit.MILLISECONDS);
      }
    }
    updateProvider(verdict.getExecutionProvider());
  }

  @Override
  public void onDeadLetter(DeadLetter deadLetter) {
    String cameraId = deadLetter.getCameraId();
    String line = lines.admit(lineOf(cameraId));
    String camera = cameras.admit(cameraId);
    counter(FRAMES, "Frames finished: a verdict or a dead letter was committed",
        "line", line, "camera", camera).increment();
    deadLetters(line, camera, reasons.admit(deadLetter.getReasonCode())).increment();
  }

  /** The camera's zero series; registered once, never incremented. */
  private void noDeadLetters(String line, String camera) {
    deadLetters(line, camera, NO_DEAD_LETTER);
  }

  private Counter deadLetters(String line, String camera, String reason) {
    return counter(DEAD_LETTERS, "Frames dead-lettered, by reason code (stage.detail)",
        "line", line, "camera", camera, "reason", reason);
  }

  @Override
  public void onStateChange(InferenceWorker.State from, InferenceWorker.State to) {
    state.set(to);
  }

  /** Stops the Kafka client binders; the meters stay registered. A second call does nothing. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    kafkaBinders.forEach(KafkaClientMetrics::close);
    kafkaBinders.clear();
  }

  private void stage(String line, String stage, double millis) {
    // The schema's convention: 0 means the stage did not run or was not measured.
    if (millis <= 0) {
      return;
    }
    timer(STAGE_LATENCY, "Time one frame spent in a worker stage", "line", line, "stage", stage)
        .record((long) (millis * 1_000_000L), TimeUnit.NANOSECONDS);
  }

  private Counter counter(String name, String description, String... tags) {
    return counters.computeIfAbsent(name + String.join("\u0000", tags),
        k -> Counter.builder(name).description(description).tags(tags).register(registry));
  }

  private Timer timer(String name, String description, String... tags) {
    return timers.computeIfAbsent(name + String.join("\u0000", tags),
        k -> Timer.builder(name)
            .description(description)
            .tags(tags)
            .serviceLevelObjectives(LATENCY_BUCKETS)
            .register(registry));
  }

  private void updateProvider(String current) {
    String value = current == null || current.isBlank() ? BoundedTagValues.UNKNOWN : current;
    String previous = provider.getAndSet(value);
    if (!value.equals(previous)) {
      executionProvider.register(List.of(MultiGauge.Row.of(Tags.of("provider", value), 1)), true);
    }
  }

  private BoundedTagValues bounded(String tag, int limit) {
    return new BoundedTagValues(tag, limit, () -> overflow(tag));
  }

  private void overflow(String tag) {
    overflowCounter(tag).increment();
  }

  private Counter overflowCounter(String tag) {
    return counter(TAG_OVERFLOW, "Tag values folded into 'other' because the tag's limit was reached",
        "tag", tag);
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw new IllegalStateException("worker metrics are closed; cannot bind Kafka clients");
    }
  }

  private static String lineOf(String cameraId) {
    if (cameraId == null) {
      return null;
    }
    int slash = cameraId.indexOf('/');
    return slash < 0 ? cameraId : cameraId.substring(0, slash);
  }
}
