package io.clipline.launcher;

import io.clipline.camera.CameraSimException;
import io.clipline.camera.CameraSimulator;
import io.clipline.camera.FrameSource;
import io.clipline.camera.GroundTruth;
import io.clipline.camera.SimulationSummary;
import io.clipline.camera.SimulatorSettings;
import io.clipline.schemas.FrameEncoding;
import io.clipline.schemas.serde.SchemaRegistryException;
import io.clipline.schemas.serde.SerdeFormat;
import io.clipline.schemas.topic.TopicCatalog;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.utils.Utils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code clipline camera-sim}: simulated cameras publishing frames to a running Kafka cluster
 * until the frame count or the duration is reached or Ctrl-C, then a summary of what was sent.
 */
@Command(
    name = "camera-sim",
    mixinStandardHelpOptions = true,
    description = {
      "Publishes camera frames to a running Kafka cluster (e.g. ./clipline broker) at a steady"
          + " rate for --cameras cameras on each of --lines lines: procedural surfaces with"
          + " injected defects, or the images of --dataset. Frames carry item ids, and ground"
          + " truth in headers. Sends until --frames (0 = no limit) or --duration is reached or"
          + " Ctrl-C, logs progress every 5 seconds and prints a summary."
    })
final class CameraSimCommand implements Callable<Integer> {
  /** How long Ctrl-C waits for the last acknowledgements and the summary. */
  private static final Duration SHUTDOWN_WAIT = Duration.ofMinutes(1);

  @Spec CommandSpec spec;

  @Mixin CameraOptions cameraOptions = new CameraOptions(0, 10, 3);

  @Mixin RegistryOptions registryOptions = new RegistryOptions();

  @Option(names = "--serde-format", defaultValue = "single-object",
      description = "Wire format of the frames: single-object or registry (the schema"
          + " registry's framing; needs --schema-registry-url) (default: ${DEFAULT-VALUE}).")
  String serdeFormat;

  @Option(names = "--bootstrap-servers", defaultValue = "localhost:9092", description = "Kafka bootstrap servers, host:port[,host:port...] (default: ${DEFAULT-VALUE}).")
  String bootstrapServers;

  @Option(names = "--topic", description = "Topic the frames go to; it must exist (default: ${DEFAULT-VALUE}).")
  String topic = TopicCatalog.FRAMES.name();

  @Option(names = "--cameras-per-station", description = "Cameras at each station, which see the same items in turn (default: every camera of a line).")
  Integer camerasPerStation;

  @Option(names = "--duration", defaultValue = "PT0S", description = "Stop sending after this long, e.g. PT10M; PT0S = no limit (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(names = "--encoding", defaultValue = "PNG", description = "Encoding of procedural frames: JPEG, PNG, GRAY8 or BGR8; dataset images keep their own (default: ${DEFAULT-VALUE}).")
  FrameEncoding encoding;

  @Option(names = "--width", defaultValue = "256", description = "Width of procedural frames in pixels (default: ${DEFAULT-VALUE}).")
  int width;

  @Option(names = "--height", defaultValue = "256", description = "Height of procedural frames in pixels (default: ${DEFAULT-VALUE}).")
  int height;

  @Option(names = "--color", description = "Procedural frames in color (B,G,R) instead of gray; BGR8 needs it.")
  boolean color;

  @Option(names = "--seed", defaultValue = "42", description = "Fixes textures, defects and dataset picks (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--no-ground-truth", description = "Leave out the ground-truth headers (clipline.gt.label, clipline.gt.defect).")
  boolean noGroundTruth;

  @Option(names = "--connect-timeout", defaultValue = "PT10S", description = "Give up when the broker does not answer within this long (default: ${DEFAULT-VALUE}).")
  Duration connectTimeout;

  @Option(names = "--outage-tolerance", defaultValue = "PT5M", description = "A broker outage up to this long loses no frame: frames wait in the buffer and are retried; one not acknowledged within it is dropped and counted (default: ${DEFAULT-VALUE}).")
  Duration outageTolerance;

  @Option(names = "--buffer-mb", defaultValue = "64", description = "Memory for frames not yet acknowledged, in MiB; when full, the cameras slow down instead of dropping frames (default: ${DEFAULT-VALUE}).")
  long bufferMb;

  @Override
  public Integer call() throws InterruptedException {
    if (connectTimeout.isNegative() || connectTimeout.isZero()) {
      throw new ParameterException(spec.commandLine(),
          "Invalid value for option '--connect-timeout': must be positive, got " + connectTimeout);
    }
    SimulatorSettings.Builder builder = cameraOptions.builder(bootstrapServers)
        .topic(topic).duration(duration).encoding(encoding).size(width, height).color(color)
        .seed(seed).groundTruthHeaders(!noGroundTruth).outageTolerance(outageTolerance)
        .bufferBytes(bufferMb * 1024 * 1024)
        .serde(registryOptions.settings(spec, serdeFormat()));
    if (camerasPerStation != null) {
      builder.camerasPerStation(camerasPerStation);
    }
    SimulatorSettings settings = cameraOptions.build(builder);
    List<InetSocketAddress> brokers = bootstrapAddresses();
    FrameSource source = cameraOptions.source(settings);
    Optional<String> brokerProblem;
    try {
      brokerProblem = brokerProblem(settings, brokers);
    } catch (InterruptedException | RuntimeException e) {
      source.close();
      throw e;
    }
    if (brokerProblem.isPresent()) {
      source.close();
      spec.commandLine().getErr().println("clipline camera-sim: " + brokerProblem.get());
      return 1;
    }
    CameraSimulator simulator;
    try {
      simulator = new CameraSimulator(settings, source);
    } catch (SchemaRegistryException e) {
      spec.commandLine().getErr().println("clipline camera-sim: " + e.getMessage());
      return 1;
    }
    return send(simulator, settings);
  }

  private SerdeFormat serdeFormat() {
    try {
      return SerdeFormat.fromSetting(serdeFormat);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(),
          "Invalid value for option '--serde-format': " + e.getMessage());
    }
  }

  /** Runs the simulator to its end or Ctrl-C and prints the summary; closes the simulator. */
  private int send(CameraSimulator simulator, SimulatorSettings settings) {
    PrintWriter out = spec.commandLine().getOut();
    CountDownLatch closed = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      simulator.stop();
      try {
        // The JVM exits when this hook returns: first let the summary be printed.
        closed.await(SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "clipline-camera-sim-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      out.printf("Sending to %s at %s: %d camera(s) on %d line(s), %s frames/s, %s%n",
          settings.topic(), settings.bootstrapServers(), settings.cameraCount(), settings.lines(),
          settings.framesPerSecond(), limits(settings));
      out.flush();
      printSummary(out, settings, simulator.run());
      return 0;
    } catch (CameraSimException e) {
      spec.commandLine().getErr().println("clipline camera-sim: " + e.getMessage());
      return 1;
    } finally {
      simulator.close();
      closed.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // Shutdown is under way (Ctrl-C): the hook is what stopped the simulator.
      }
    }
  }

  /** The addresses of {@code --bootstrap-servers}, resolved where their host resolves. */
  private List<InetSocketAddress> bootstrapAddresses() {
    List<InetSocketAddress> addresses = new ArrayList<>();
    for (String address : bootstrapServers.split(",")) {
      String host = Utils.getHost(address.trim());
      Integer port = Utils.getPort(address.trim());
      if (host == null || port == null || port > 65_535) {
        throw new ParameterException(spec.commandLine(), "Invalid value for option"
            + " '--bootstrap-servers': expected host:port[,host:port...], got '"
            + bootstrapServers + "'");
      }
      addresses.add(new InetSocketAddress(host, port));
    }
    return addresses;
  }

  /**
   * Why frames cannot be sent, if they cannot: no broker accepts a connection (found at once,
   * without the Kafka client's retries and their warnings), none answers, or the topic is missing.
   */
  private Optional<String> brokerProblem(SimulatorSettings settings,
      List<InetSocketAddress> brokers) throws InterruptedException {
    if (!anyAcceptsConnection(brokers)) {
      return Optional.of("no Kafka broker accepts connections at " + settings.bootstrapServers()
          + "; start one with `clipline broker` or pass --bootstrap-servers");
    }
    Admin admin = Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers(),
        AdminClientConfig.CLIENT_ID_CONFIG, "clipline-camera-sim-check"));
    try {
      admin.describeTopics(List.of(settings.topic())).allTopicNames()
          .get(connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
      return Optional.empty();
    } catch (TimeoutException e) {
      return Optional.of("no Kafka broker answered at " + settings.bootstrapServers()
          + " within " + connectTimeout.toSeconds() + " s");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return Optional.of("topic " + settings.topic() + " does not exist at "
            + settings.bootstrapServers() + "; `clipline broker` creates every Clipline topic");
      }
      return Optional.of("cannot check topic " + settings.topic() + " at "
          + settings.bootstrapServers() + ": " + e.getCause().getMessage());
    } finally {
      // A check that timed out leaves calls pending; there is nothing to wait for.
      admin.close(Duration.ZERO);
    }
  }

  private boolean anyAcceptsConnection(List<InetSocketAddress> addresses) {
    for (InetSocketAddress address : addresses) {
      try (Socket socket = new Socket()) {
        socket.connect(address, timeoutMillis());
        return true;
      } catch (IOException e) {
        // Refused, timed out or unresolved: try the next address.
      }
    }
    return false;
  }

  private int timeoutMillis() {
    return (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());
  }

  private static String limits(SimulatorSettings settings) {
    String frames = settings.frameCount() > 0 ? settings.frameCount() + " frames" : "";
    String time = settings.duration().isZero() ? "" : "for " + settings.duration();
    if (frames.isEmpty() && time.isEmpty()) {
      return "until Ctrl-C";
    }
    return frames.isEmpty() || time.isEmpty() ? frames + time : frames + " or " + time;
  }

  private static void printSummary(PrintWriter out, SimulatorSettings settings,
      SimulationSummary summary) {
    LongSummaryStatistics perCamera = summary.framesPerCamera().values().stream()
        .mapToLong(Long::longValue).summaryStatistics();
    out.println();
    out.println("Summary");
    out.printf("  frames sent     %d (%.1f MB) in %.1f s, %.1f frames/s%n", summary.framesSent(),
        summary.bytesSent() / 1e6, summary.elapsed().toMillis() / 1e3,
        summary.achievedFramesPerSecond());
    out.printf("  per camera      %s frames, %d cameras%n",
        perCamera.getMin() == perCamera.getMax()
            ? Long.toString(perCamera.getMax())
            : perCamera.getMin() + " to " + perCamera.getMax(),
        perCamera.getCount());
    Map<GroundTruth.Label, Long> labels = summary.labelsSent();
    String defects = summary.defectsByType().isEmpty() ? ""
        : new TreeMap<>(summary.defectsByType()).entrySet().stream()
            .map(e -> e.getKey() + " " + e.getValue())
            .collect(Collectors.joining(", ", " (", ")"));
    long unknown = labels.getOrDefault(GroundTruth.Label.UNKNOWN, 0L);
    out.printf("  ground truth    normal %d, defective %d%s%s%s%n",
        labels.getOrDefault(GroundTruth.Label.NORMAL, 0L),
        labels.getOrDefault(GroundTruth.Label.DEFECTIVE, 0L),
        defects,
        unknown == 0 ? "" : ", unlabelled " + unknown,
        settings.groundTruthHeaders() ? "" : " (not in headers: --no-ground-truth)");
    out.printf("  dropped         %d%s%n", summary.framesDropped(),
        summary.droppedByReason().isEmpty() ? ""
            : new TreeMap<>(summary.droppedByReason()).entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", ", " (not acknowledged within "
                    + settings.outageTolerance() + ": ", ")")));
    out.flush();
  }
}
