package io.clipline.broker;

import io.clipline.schemas.topic.TopicCatalog;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Apache Kafka broker in KRaft mode (combined broker and controller), run in
 * this JVM from the Kafka jars Maven resolved.
 *
 * <p>It formats its data directory on first start, so a second start on the same directory keeps
 * the topics and records of the first. {@link #start()} returns once the broker answers a client
 * request. Closing shuts it down and waits for it; a second close does nothing.
 *
 * <pre>{@code
 * try (KraftBroker broker = KraftBroker.start(BrokerSettings.local(dir))) {
 *   produce(broker.bootstrapServers());
 * }
 * }</pre>
 */
public final class KraftBroker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KraftBroker.class);
  private static final int NODE_ID = 1;
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final BrokerSettings settings;
  private final KafkaRaftServer server;
  private boolean closed;

  private KraftBroker(BrokerSettings settings, KafkaRaftServer server) {
    this.settings = settings;
    this.server = server;
  }

  /**
   * Starts a broker and waits until it serves clients.
   *
   * @throws BrokerStartException when a port is taken, the data directory is unusable, or the
   *     broker does not become ready in time
   */
  public static KraftBroker start(BrokerSettings settings) {
    requireFree(settings.port(), "port");
    requireFree(settings.controllerPort(), "controller port");
    Path logDir = settings.dataDir().toAbsolutePath().resolve("kraft-combined-logs");
    Properties props = brokerProperties(settings, logDir);
    KafkaConfig config = KafkaConfig.fromProps(props, false);
    formatIfNeeded(logDir, config);

    long started = System.nanoTime();
    KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
    KraftBroker broker = new KraftBroker(settings, server);
    try {
      server.startup();
      broker.awaitReady();
    } catch (RuntimeException e) {
      broker.close();
      throw e instanceof BrokerStartException
          ? e
          : new BrokerStartException(
              "Kafka broker failed to start on " + settings.bootstrapServers() + ": " + e, e);
    }
    LOG.info(
        "Kafka broker (KRaft, node {}) ready at {} in {} ms, data in {}",
        NODE_ID,
        settings.bootstrapServers(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
        logDir);
    return broker;
  }

  public String bootstrapServers() {
    return settings.bootstrapServers();
  }

  public BrokerSettings settings() {
    return settings;
  }

  /** Client properties for an admin client of this broker. */
  public Map<String, Object> adminConfig() {
    return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    server.shutdown();
    server.awaitShutdown();
    LOG.info("Kafka broker at {} stopped", bootstrapServers());
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    try (Admin admin = Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000))) {
      while (true) {
        try {
          int brokers = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size();
          if (brokers > 0) {
            return;
          }
        } catch (Exception e) {
          if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            throw new BrokerStartException("interrupted while waiting for the broker", e);
          }
          if (System.nanoTime() > deadline) {
            throw new BrokerStartException(
                "Kafka broker at " + bootstrapServers() + " not ready after " + READY_TIMEOUT, e);
          }
        }
        sleep(200);
      }
    }
  }

  private static Properties brokerProperties(BrokerSettings settings, Path logDir) {
    Properties props = new Properties();
    props.put("process.roles", "broker,controller");
    props.put("node.id", Integer.toString(NODE_ID));
    props.put("controller.quorum.voters", NODE_ID + "@" + settings.host() + ":" + settings.controllerPort());
    props.put("controller.listener.names", "CONTROLLER");
    props.put("listeners",
        "PLAINTEXT://" + settings.host() + ":" + settings.port()
            + ",CONTROLLER://" + settings.host() + ":" + settings.controllerPort());
    props.put("advertised.listeners", "PLAINTEXT://" + settings.host() + ":" + settings.port());
    props.put("inter.broker.listener.name", "PLAINTEXT");
    props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    props.put("log.dirs", logDir.toString());
    // One node: every internal topic has exactly one replica.
    props.put("offsets.topic.replication.factor", "1");
    props.put("offsets.topic.num.partitions", "10");
    props.put("transaction.state.log.replication.factor", "1");
    props.put("transaction.state.log.min.isr", "1");
    props.put("share.coordinator.state.topic.replication.factor", "1");
    props.put("share.coordinator.state.topic.min.isr", "1");
    props.put("group.initial.rebalance.delay.ms", "0");
    props.put("num.partitions", "1");
    props.put("auto.create.topics.enable", "false");
    // Frames carry images inline: the broker must accept the frames topic's largest record.
    props.put("message.max.bytes", Integer.toString(TopicCatalog.MAX_FRAME_BYTES + 1024 * 1024));
    props.put("log.segment.bytes", Integer.toString(64 * 1024 * 1024));
    props.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
    props.putAll(settings.overrides());
    return props;
  }

  private static void formatIfNeeded(Path logDir, KafkaConfig config) {
    if (Files.exists(logDir.resolve("meta.properties"))) {
      LOG.info("Kafka data directory {} already formatted", logDir);
      return;
    }
    try {
      Files.createDirectories(logDir);
      Formatter formatter = new Formatter()
          // The formatter narrates to a stream; the one line worth keeping is logged below.
          .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
          .setClusterId(Uuid.randomUuid().toString())
          .setNodeId(NODE_ID)
          .setDirectories(List.of(logDir.toString()))
          .setMetadataLogDirectory(logDir.toString())
          .setControllerListenerName("CONTROLLER")
          .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
          .setReleaseVersion(MetadataVersion.latestProduction());
      formatter.run();
      LOG.info("formatted Kafka data directory {}", logDir);
    } catch (Exception e) {
      throw new BrokerStartException(
          "cannot format the Kafka data directory " + logDir + ": " + e.getMessage()
              + " (delete it, or choose another with --data-dir)",
          e);
    }
  }

  private static void requireFree(int port, String what) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(port));
    } catch (IOException e) {
      throw new BrokerStartException(
          "the broker's " + what + " " + port + " is already in use (another Kafka?); stop that"
              + " process or choose another " + what + " (--"
              + ("port".equals(what) ? "port" : "controller-port") + ")",
          e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BrokerStartException("interrupted while waiting for the broker", e);
    }
  }
}
