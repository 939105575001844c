package io.clipline.faults;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * One scenario run's line on the suite's broker: its own topics and consumer group, the worker
 * and camera-sim child JVMs it starts (all killed on {@link #close()}), the tail of its outputs,
 * and its logs under one directory.
 */
final class FaultLine implements AutoCloseable {
  /** The session timeout the suite's workers run with: fast failover, as RELIABILITY.md advises. */
  static final Duration SESSION_TIMEOUT = Duration.ofSeconds(6);
  /** The fault suite's model: the weight-free texture encoder, the cheapest on CPU. */
  static final String MODEL = "src/models/texture";

  private static final Pattern WORKER_STARTED = Pattern.compile("metrics at (http\\S+)");
  private static final Duration WORKER_START_TIMEOUT = Duration.ofSeconds(90);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** A worker child and where its health endpoint is. */
  record Worker(String id, ChildJvm jvm, URI metrics) {
    boolean ready() {
      try {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(metrics.resolve("/health/ready"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200;
      } catch (IOException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  private final BrokerChild broker;
  private final String name;
  private final Path dir;
  private final FaultTopics topics;
  private final OutputTail tail;
  private final List<ChildJvm> children = new ArrayList<>();
  private int starts;

  FaultLine(BrokerChild broker, String name) {
    this.broker = broker;
    this.name = name;
    this.dir = FaultPaths.output().resolve(name);
    this.topics = FaultTopics.create(broker.bootstrapServers(), name + ".");
    this.tail = new OutputTail(broker.bootstrapServers(), topics.verdicts(), topics.dlq());
  }

  String bootstrapServers() {
    return broker.bootstrapServers();
  }

  FaultTopics topics() {
    return topics;
  }

  OutputTail tail() {
    return tail;
  }

  /**
   * Starts {@code clipline worker} with this line's topics and group, the texture model, the
   * suite's session timeout and {@code worker.id = id}, and waits until it serves metrics (it has
   * loaded the model and connected; it may not hold partitions yet).
   */
  Worker worker(String id, Map<String, String> extra) {
    return awaitStarted(id, startWorker(id, extra));
  }

  Worker worker(String id) {
    return worker(id, Map.of());
  }

  /** Starts several workers at once (their JVMs start in parallel) and waits for each. */
  List<Worker> workers(String... ids) {
    List<ChildJvm> jvms = new ArrayList<>();
    for (String id : ids) {
      jvms.add(startWorker(id, Map.of()));
    }
    List<Worker> workers = new ArrayList<>();
    for (int i = 0; i < ids.length; i++) {
      workers.add(awaitStarted(ids[i], jvms.get(i)));
    }
    return workers;
  }

  /** The worker.id a worker of this line named {@code id} runs with, as verdicts carry it. */
  String workerId(String id) {
    return name + "." + id;
  }

  private ChildJvm startWorker(String id, Map<String, String> extra) {
    Map<String, String> settings = new LinkedHashMap<>(topics.workerSettings());
    settings.put("bootstrap.servers", broker.bootstrapServers());
    settings.put("group.id", name + ".workers");
    settings.put("worker.id", workerId(id));
    settings.put("model.dir", FaultPaths.root().resolve(MODEL).toString());
    settings.put("metrics.port", "0");
    settings.put("inference.threads", "1");
    settings.put("decode.threads", "1");
    settings.put("consumer.session.timeout.ms", Long.toString(SESSION_TIMEOUT.toMillis()));
    settings.put("consumer.heartbeat.interval.ms", "1000");
    settings.putAll(extra);
    List<String> args = new ArrayList<>(List.of("worker"));
    settings.forEach((k, v) -> {
      args.add("--set");
      args.add(k + "=" + v);
    });
    return start("worker-" + id, args);
  }

  private Worker awaitStarted(String id, ChildJvm jvm) {
    URI metrics = URI.create(jvm.awaitLine(WORKER_STARTED, WORKER_START_TIMEOUT));
    return new Worker(id, jvm, metrics);
  }

  /** Waits until the worker holds partitions (its readiness). */
  void awaitReady(Worker worker, Duration timeout) {
    FaultClock.await(worker.id() + " ready", timeout, worker::ready);
  }

  /**
   * Starts {@code clipline camera-sim}: {@code cameras} cameras on one line, {@code frames} frames
   * in all at {@code fps}, small gray PNG surfaces.
   */
  ChildJvm cameraSim(int cameras, int frames, double fps) {
    return start("camera-sim", List.of("camera-sim", "--bootstrap-servers",
        broker.bootstrapServers(), "--topic", topics.frames(), "--lines", "1",
        "--cameras", Integer.toString(cameras), "--fps", Double.toString(fps),
        "--frames", Integer.toString(frames), "--width", "96", "--height", "96",
        "--seed", Integer.toString(name.hashCode())));
  }

  /** Waits for a camera-sim child to send everything and exit 0. */
  void awaitSent(ChildJvm sim, Duration timeout) {
    int exit = sim.awaitExit(timeout);
    if (exit != 0) {
      throw new AssertionError("camera-sim exited " + exit + "\n" + sim.tail());
    }
  }

  /**
   * Stops a camera-sim child that is still streaming, by SIGTERM: it sends what it holds, prints
   * its summary and exits 143 (0 had it reached its frame count first).
   */
  void stopSim(ChildJvm sim) {
    int exit = sim.terminate(Duration.ofSeconds(60));
    if (exit != 0 && exit != 143) {
      throw new AssertionError("camera-sim exited " + exit + " on SIGTERM\n" + sim.tail());
    }
  }

  /** Waits until at least {@code frames} records are on the frames topic. */
  void awaitPublished(long frames, Duration timeout) {
    FaultClock.await(frames + " frames published", timeout, () -> framesPublished() >= frames);
  }

  /** Records on the frames topic now (the camera gateway's producer is not transactional). */
  long framesPublished() {
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = c.partitionsFor(topics.frames(), Duration.ofSeconds(30))
          .stream().map(p -> new TopicPartition(topics.frames(), p.partition())).toList();
      return c.endOffsets(partitions, Duration.ofSeconds(30)).values().stream()
          .mapToLong(Long::longValue).sum();
    }
  }

  /**
   * Waits until every published frame has a committed output, then a little longer, so that a
   * duplicate committed after would still be seen by the audit.
   */
  void awaitAllAnswered(Duration timeout) {
    tail.awaitOutputs(framesPublished(), timeout);
    FaultClock.sleep(Duration.ofSeconds(2));
  }

  AuditResult audit() {
    return AuditResult.run(broker.bootstrapServers(), topics, dir.resolve("audit.log"));
  }

  /** Lines of this line's worker logs that contain {@code text}: how often the workers said it. */
  long workerLogLines(String text) {
    return children.stream().filter(c -> c.name().startsWith("worker-"))
        .flatMap(c -> c.output().lines()).filter(l -> l.contains(text)).count();
  }

  private ChildJvm start(String child, List<String> args) {
    ChildJvm jvm = ChildJvm.clipline(child, dir.resolve(child + "-" + (++starts) + ".log"), args);
    children.add(jvm);
    return jvm;
  }

  @Override
  public void close() {
    children.forEach(ChildJvm::close);
    tail.close();
  }
}
