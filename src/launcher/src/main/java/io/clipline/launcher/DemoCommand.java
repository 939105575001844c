package io.clipline.launcher;

import io.clipline.broker.BrokerSettings;
import io.clipline.broker.BrokerStartException;
import io.clipline.broker.LocalKafka;
import io.clipline.camera.CameraSimulator;
import io.clipline.camera.GroundTruthHeaders;
import io.clipline.camera.SimulationSummary;
import io.clipline.camera.SimulatorSettings;
import io.clipline.console.ConsoleConfig;
import io.clipline.console.ConsoleException;
import io.clipline.console.OperatorConsole;
import io.clipline.inference.ModelFrameScorer;
import io.clipline.model.ModelException;
import io.clipline.schemas.Alert;
import io.clipline.schemas.CameraFrame;
import io.clipline.schemas.FrameVerdict;
import io.clipline.schemas.serde.AvroSerde;
import io.clipline.schemas.topic.TopicCatalog;
import io.clipline.observability.ObservabilityException;
import io.clipline.pipeline.LineLayout;
import io.clipline.pipeline.PipelineConfig;
import io.clipline.worker.InferenceWorker;
import io.clipline.worker.WorkerConfig;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code clipline demo}: a real broker, a simulated line of cameras and one worker on the
 * embedded default model, with live progress and a final summary.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Starts a single-node Kafka broker (KRaft) on free local ports, creates the topics, runs"
          + " simulated cameras (procedural surfaces with injected defects, or --dataset) and one"
          + " inference worker on the embedded default model (CPU) and the pipeline, prints progress"
          + " every two seconds and a summary with detection metrics, and whether the worker kept"
          + " up. Ctrl-C stops the cameras, prints the summary of what was judged so far and"
          + " removes the broker's temporary folder."
    })
final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  // 8 fps over 20 s: a run short enough to watch, with several 5 s line-stats windows. One worker
  // on 2 CPU cores sustains far more with the default model (78 frames/s in the worker bench,
  // docs/BENCHMARKS.md; `demo --fps 30 --frames 480` kept up, p50 52 ms, on 2026-12-02).
  @Mixin CameraOptions cameraOptions = new CameraOptions(160, 8, 2);

  @Option(names = "--model", defaultValue = "src/models/imagenet-mnv2", description = "Model folder (default: ${DEFAULT-VALUE}).")
  Path model;

  @Option(names = "--metrics-port", defaultValue = "0", description = "Worker metrics port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int metricsPort;

  @Option(names = "--timeout", defaultValue = "PT3M", description = "Give up waiting for verdicts after this long (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(names = "--console-port", defaultValue = "8470", description = "Port of the operator console on 127.0.0.1; a free one when taken (default: ${DEFAULT-VALUE}).")
  int consolePort;

  @Option(names = "--stay", description = "After the summary, keep the line idle, the console and the broker up until Ctrl-C, to look around, label and read topics with ./clipline tail.")
  boolean stay;

  /** Set by Ctrl-C (or SIGTERM): the demo stops the cameras and prints what it has. */
  private volatile boolean stopRequested;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path dataDir = Files.createTempDirectory("clipline-demo-");
    try {
      return run(out, err, dataDir);
    } finally {
      LocalKafka.deleteRecursively(dataDir);
      if (stopRequested) {
        out.printf("Stopped; removed %s%n", dataDir);
        out.flush();
      }
    }
  }

  private int run(PrintWriter out, PrintWriter err, Path dataDir)
      throws Exception {
    BrokerSettings settings = LocalKafka.onFreePorts(dataDir);
    String bootstrap = settings.bootstrapServers();
    // The camera options are checked before the model loads or a broker starts.
    SimulatorSettings cameraSettings = cameraOptions.build(cameraOptions.builder(bootstrap));
    // Ctrl-C interrupts this thread, which then stops the cameras, prints the summary of what
    // was judged so far and closes everything in order (StopSignals says why not a hook).
    Thread main = Thread.currentThread();
    StopSignals.onStop(() -> {
      stopRequested = true;
      main.interrupt();
    });
    Map<String, Object> props = new HashMap<>();
    props.put(WorkerConfig.BOOTSTRAP_SERVERS, bootstrap);
    props.put(WorkerConfig.GROUP_ID, "clipline-demo");
    props.put(WorkerConfig.WORKER_ID, "demo-worker-1");
    props.put(WorkerConfig.MODEL_DIR, model.toString());
    props.put(WorkerConfig.EXECUTION_PROVIDER, "CPU");
    props.put(WorkerConfig.METRICS_PORT, metricsPort);
    // Console labels reach frames among the last this many scored: the whole default run (about
    // 0.3 MB of features each with the default model).
    props.put(WorkerConfig.LABELS_CACHE_FRAMES, DEMO_LABEL_CACHE_FRAMES);
    WorkerConfig config = new WorkerConfig(props);

    VerdictTally tally = new VerdictTally();
    WorkerProcess process;
    try {
      process = new WorkerProcess(config, tally);
    } catch (ModelException | ObservabilityException e) {
      err.println("clipline demo: " + e.getMessage());
      return 2;
    }
    if (stopRequested) {
      process.close();
      return STOPPED_EXIT_CODE;
    }
    ModelFrameScorer scorer = process.scorer();
    out.printf("Model %s (%s) on %s; metrics at %s/metrics%n", scorer.modelVersion(),
        scorer.kind(), scorer.executionProvider(), process.metricsUri());
    if (scorer.kind() == io.clipline.model.ModelManifest.Kind.CLIP_RANDOM) {
      out.println("NOTE: this model has random weights; its scores mean nothing (plumbing only).");
    }
    out.printf("Starting Kafka broker (KRaft) at %s, data in %s (removed at the end) ...%n",
        bootstrap, dataDir);
    out.flush();
    long started = System.nanoTime();
    LocalKafka kafka;
    try {
      kafka = LocalKafka.start(settings, TopicCatalog.all());
    } catch (BrokerStartException e) {
      process.close();
      err.println("clipline demo: " + e.getMessage());
      return 1;
    }
    CameraSimulator simulator = null;
    PipelineProcess pipeline = null;
    OperatorConsole console = null;
    InferenceWorker worker = process.worker();
    try {
      simulator = new CameraSimulator(cameraSettings, cameraOptions.source(cameraSettings));
      pipeline = new PipelineProcess(pipelineConfig(bootstrap, dataDir),
          lineLayout(simulator.cameraIds()));
      process.start();
      pipeline.start();
      console = startConsole(bootstrap, process.metricsUri());
      out.printf("Operator console at %s%n", console.uri());
      out.printf("Broker, topics, pipeline and worker up in %.1f s; %d cameras send %d frames at %.0f fps%n",
          (System.nanoTime() - started) / 1e9, simulator.cameraIds().size(), cameraOptions.frames,
          cameraOptions.fps);
      out.printf("To watch the verdicts as they come, in another terminal:%n  %s --follow%n",
          tailCommand(bootstrap));
      out.flush();
      CompletableFuture<SimulationSummary> sending = simulator.start();
      boolean stoppedEarly = !awaitVerdicts(out, tally, sending, worker);
      if (stoppedEarly) {
        out.println("Stopping the cameras; the summary covers what was judged until now.");
        out.flush();
        simulator.stop();
      }
      SimulationSummary sent = uninterruptibly(sending);
      // Items wait up to the fusion deadline for missing views; give the pipeline that long.
      if (!stoppedEarly && !sleep(FUSION_DEADLINE_MS + 2_000)) {
        stoppedEarly = true;
      }
      printSummary(out, sent, tally, groundTruth(bootstrap), (System.nanoTime() - started) / 1e9,
          stoppedEarly);
      printPipelineOutputs(out, bootstrap);
      if (stay && !stoppedEarly) {
        out.printf("The console stays at %s and the broker for %s; Ctrl-C stops everything and"
            + " removes %s%n", console.uri(), tailCommand(bootstrap), dataDir);
        out.flush();
        while (sleep(60_000)) {
          // until Ctrl-C
        }
      } else if (!stay) {
        out.println("The broker stops now; with --stay it stays, for the console and ./clipline tail.");
      }
      out.flush();
      if (stoppedEarly) {
        return STOPPED_EXIT_CODE;
      }
      return tally.verdicts() + tally.deadLetters() == sent.framesSent() ? 0 : 1;
    } finally {
      // Reverse order of start: the simulator and the worker talk to the broker.
      if (simulator != null) {
        simulator.close();
      }
      if (console != null) {
        console.close();
      }
      process.close();
      if (pipeline != null) {
        pipeline.close();
      }
      kafka.close();
    }
  }

  /**
   * Prints progress until every sent frame has a verdict or a dead letter, the worker stops or
   * the timeout passes; {@code false} when interrupted (Ctrl-C) first.
   */
  private boolean awaitVerdicts(PrintWriter out, VerdictTally tally,
      CompletableFuture<SimulationSummary> sending, InferenceWorker worker) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline && worker.state() == InferenceWorker.State.RUNNING) {
      if (!sleep(2_000)) {
        return false;
      }
      out.println("  " + tally.progressLine());
      out.flush();
      if (sending.isDone() && tally.verdicts() + tally.deadLetters() >= sending.get().framesSent()) {
        break;
      }
    }
    return true;
  }

  /** Sleeps; {@code false} when interrupted (the interrupt is consumed: Ctrl-C was seen). */
  private static boolean sleep(long millis) {
    try {
      Thread.sleep(millis);
      return true;
    } catch (InterruptedException e) {
      return false;
    }
  }

  /** The simulator's summary, waiting for it even if Ctrl-C interrupts the wait. */
  private static SimulationSummary uninterruptibly(CompletableFuture<SimulationSummary> sending)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        return sending.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        // Ctrl-C while the last frames are acknowledged: the summary still needs them.
      }
    }
  }

  private static String tailCommand(String bootstrap) {
    return "./clipline tail " + TopicCatalog.VERDICTS.name() + " --bootstrap-servers " + bootstrap;
  }

  /** The exit code of a demo stopped by Ctrl-C, as a shell reports SIGINT. */
  private static final int STOPPED_EXIT_CODE = 130;

  /**
   * Line-stats windows short enough that several close within the default 20 s stream, so the
   * summary counts them and the console shows the line's yield within the demo.
   */
  private static final long STATS_WINDOW_MS = 5_000;
  private static final long STATS_GRACE_MS = 1_000;

  private static final long FUSION_DEADLINE_MS = 3_000;
  private static final int DEMO_LABEL_CACHE_FRAMES = 300;

  /** The console on {@code --console-port}, or on a free port when that one is taken. */
  private OperatorConsole startConsole(String bootstrap, URI workerMetrics) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsoleConfig.BOOTSTRAP_SERVERS, bootstrap);
    props.put(ConsoleConfig.HTTP_PORT, consolePort);
    props.put(ConsoleConfig.WORKER_METRICS_URLS, workerMetrics.resolve("/metrics").toString());
    try {
      return OperatorConsole.start(new ConsoleConfig(props));
    } catch (ConsoleException e) {
      spec.commandLine().getErr().println("clipline demo: " + e.getMessage() + "; using a free port");
      props.put(ConsoleConfig.HTTP_PORT, 0);
      return OperatorConsole.start(new ConsoleConfig(props));
    }
  }

  private static PipelineConfig pipelineConfig(String bootstrap, Path dataDir) {
    return new PipelineConfig(Map.of(
        PipelineConfig.BOOTSTRAP_SERVERS, bootstrap,
        PipelineConfig.APPLICATION_ID, "clipline-demo-pipeline",
        PipelineConfig.STATE_DIR, dataDir.resolve("streams").toString(),
        PipelineConfig.FUSION_DEADLINE_MS, Long.toString(FUSION_DEADLINE_MS),
        PipelineConfig.STATS_WINDOW_MS, Long.toString(STATS_WINDOW_MS),
        PipelineConfig.STATS_GRACE_MS, Long.toString(STATS_GRACE_MS),
        PipelineConfig.METRICS_PORT, "0",
        PipelineConfig.LINE_TOPOLOGY_TOPIC, ""));
  }

  /**
   * The simulated line: every camera of a station views each item; one reject gate per
   * station, 5 s of travel from the cameras to it.
   */
  private LineLayout lineLayout(List<String> cameraIds) {
    long interval = Math.max(1, Math.round(cameraIds.size() * 1000 / cameraOptions.fps));
    Map<String, Map<String, List<LineLayout.Camera>>> byLine = new TreeMap<>();
    for (String id : cameraIds) {
      String[] parts = id.split("/");
      byLine.computeIfAbsent(parts[0], k -> new TreeMap<>())
          .computeIfAbsent(parts[1], k -> new ArrayList<>())
          .add(new LineLayout.Camera(id, interval, true));
    }
    List<LineLayout.Line> lines = new ArrayList<>();
    byLine.forEach((lineId, stations) -> {
      List<LineLayout.Station> list = new ArrayList<>();
      stations.forEach((stationId, cams) ->
          list.add(new LineLayout.Station(stationId, "gate-" + stationId, 5_000, cams)));
      lines.add(new LineLayout.Line(lineId, false, list));
    });
    return new LineLayout(lines);
  }

  /** Records the pipeline committed to its output topics, alerts by kind. */
  private static void printPipelineOutputs(PrintWriter out, String bootstrap) {
    Map<String, Integer> counts = new TreeMap<>();
    Map<String, Integer> alertKinds = new TreeMap<>();
    AvroSerde<Alert> alerts = AvroSerde.of(Alert.class);
    readUntilQuiet(bootstrap, List.of(TopicCatalog.ITEMS.name(), TopicCatalog.REJECTS.name(),
        TopicCatalog.LINE_STATS.name(), TopicCatalog.ALERTS.name()), "outputs",
        Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), r -> {
          counts.merge(r.topic(), 1, Integer::sum);
          if (r.topic().equals(TopicCatalog.ALERTS.name())) {
            alertKinds.merge(alerts.decode(r.value()).getKind().name(), 1, Integer::sum);
          }
        });
    out.printf("  pipeline        items %d, reject commands %d, line-stats windows %d closed"
            + " (%d s windows; the last one is still open when the cameras stop), alerts %d%n",
        counts.getOrDefault(TopicCatalog.ITEMS.name(), 0),
        counts.getOrDefault(TopicCatalog.REJECTS.name(), 0),
        counts.getOrDefault(TopicCatalog.LINE_STATS.name(), 0), STATS_WINDOW_MS / 1000,
        counts.getOrDefault(TopicCatalog.ALERTS.name(), 0));
    if (!alertKinds.isEmpty()) {
      out.printf("  alerts by kind  %s%n", alertKinds.entrySet().stream()
          .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")));
    }
  }

  /** frameId → defective, read back from the ground-truth headers on the frames topic. */
  private static Map<String, Boolean> groundTruth(String bootstrap) {
    Map<String, Boolean> truth = new HashMap<>();
    AvroSerde<CameraFrame> serde = AvroSerde.of(CameraFrame.class);
    readUntilQuiet(bootstrap, List.of(TopicCatalog.FRAMES.name()), "truth",
        Map.of(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, TopicCatalog.MAX_FRAME_BYTES), r -> {
          Header label = r.headers().lastHeader(GroundTruthHeaders.LABEL);
          if (label != null) {
            truth.put(serde.decode(r.value()).getFrameId(),
                "1".equals(new String(label.value(), StandardCharsets.UTF_8)));
          }
        });
    return truth;
  }

  /**
   * Reads {@code topics} from the start with a fresh group until five polls in a row come back
   * empty. Not the test kit's {@code CommittedRecords}: that one lives in a test-scope module
   * (JUnit, Testcontainers) and stops at an expected count, which the demo does not know.
   */
  private static void readUntilQuiet(String bootstrap, List<String> topics, String role,
      Map<String, Object> extra, java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> each) {
    Map<String, Object> props = new HashMap<>(extra);
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "clipline-demo-" + role + "-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(topics);
      int empty = 0;
      while (empty < 5) {
        ConsumerRecords<byte[], byte[]> records;
        try {
          records = consumer.poll(Duration.ofMillis(400));
        } catch (InterruptException e) {
          Thread.interrupted(); // Ctrl-C during the summary: finish it, then stop
          continue;
        }
        empty = records.isEmpty() ? empty + 1 : 0;
        records.forEach(each);
      }
    }
  }

  private void printSummary(PrintWriter out, SimulationSummary sent, VerdictTally tally,
      Map<String, Boolean> truth, double seconds, boolean stoppedEarly) {
    out.println();
    out.println(stoppedEarly ? "Summary (stopped early by Ctrl-C)" : "Summary");
    out.printf("  frames in       %d (%d defective by ground truth)%n", sent.framesSent(),
        truth.values().stream().filter(b -> b).count());
    out.printf("  verdicts out    %d  (OK %d, NG %d, UNSURE %d)%n", tally.verdicts(),
        tally.count("OK"), tally.count("NG"), tally.count("UNSURE"));
    out.printf("  dead letters    %d %s%n", tally.deadLetters(),
        tally.deadLettersByReason().isEmpty() ? "" : tally.deadLettersByReason());
    out.printf("  latency         p50 %s, p95 %s (capture to committed verdict)%n",
        tally.quantileMs(0.5), tally.quantileMs(0.95));
    out.printf("  keeping up      %s%n", tally.pace().describe(cameraOptions.fps));
    out.printf("  wall time       %.1f s%n", seconds);
    List<DetectionSummary.Scored> scored = new ArrayList<>();
    for (FrameVerdict v : tally.verdictsByFrame().values()) {
      Boolean defective = truth.get(v.getFrameId());
      if (defective != null && !v.getWarmup()) {
        scored.add(new DetectionSummary.Scored(
            v.getImageScore(), "NG".equals(v.getVerdict().name()), defective));
      }
    }
    out.println("  detection       " + DetectionSummary.of(scored).describe());
    out.flush();
  }
}
