package io.clipline.broker;

import io.clipline.schemas.topic.TopicSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;

/**
 * A local line's Kafka: a {@link KraftBroker} started with the topics it needs created, for the
 * {@code clipline broker} and {@code clipline demo} commands, the worker benchmark and the test
 * kit. Either a throw-away broker ({@link #temporary}: free ports, a new temporary data
 * directory deleted on close) or one as {@link BrokerSettings} say ({@link #start}: data kept).
 *
 * <pre>{@code
 * try (LocalKafka kafka = LocalKafka.temporary("clipline-bench-", TopicCatalog.all())) {
 *   run(kafka.bootstrapServers());
 * }
 * }</pre>
 */
public final class LocalKafka implements AutoCloseable {
  private final KraftBroker broker;
  private final BrokerSettings settings;
  private final boolean temporary;
  private final List<String> created;

  private LocalKafka(KraftBroker broker, BrokerSettings settings, boolean temporary,
      List<String> created) {
    this.broker = broker;
    this.settings = settings;
    this.temporary = temporary;
    this.created = List.copyOf(created);
  }

  /**
   * Starts a broker on two free local ports with its data in a new temporary directory named
   * {@code dirPrefix...}, and creates {@code topics} (one replica each).
   *
   * @throws BrokerStartException when the broker does not start
   */
  public static LocalKafka temporary(String dirPrefix, List<TopicSpec> topics) {
    Path dataDir;
    try {
      dataDir = Files.createTempDirectory(dirPrefix);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a data directory for the broker", e);
    }
    try {
      return start(onFreePorts(dataDir), topics, true);
    } catch (RuntimeException e) {
      deleteRecursively(dataDir);
      throw e;
    }
  }

  /**
   * Starts a broker as {@code settings} say, keeping its data, and creates those of {@code
   * topics} that do not exist yet (one replica each).
   *
   * @throws BrokerStartException when the broker does not start
   */
  public static LocalKafka start(BrokerSettings settings, List<TopicSpec> topics) {
    return start(settings, topics, false);
  }

  /** Settings on localhost with two free ports and no overrides. */
  public static BrokerSettings onFreePorts(Path dataDir) {
    int port = LocalPorts.free();
    int controllerPort = LocalPorts.free();
    while (controllerPort == port) {
      controllerPort = LocalPorts.free();
    }
    return new BrokerSettings(dataDir, "localhost", port, controllerPort, Map.of());
  }

  private static LocalKafka start(BrokerSettings settings, List<TopicSpec> topics,
      boolean temporary) {
    KraftBroker broker = KraftBroker.start(settings);
    try {
      List<String> created = topics.isEmpty() ? List.of() : create(broker, topics);
      return new LocalKafka(broker, settings, temporary, created);
    } catch (RuntimeException e) {
      broker.close();
      throw e;
    }
  }

  private static List<String> create(KraftBroker broker, List<TopicSpec> topics) {
    try (Admin admin = Admin.create(broker.adminConfig())) {
      return new CatalogTopics(admin).create(topics, (short) 1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    }
  }

  public KraftBroker broker() {
    return broker;
  }

  public String bootstrapServers() {
    return broker.bootstrapServers();
  }

  /** The broker's data directory; others (a Streams state directory) may live below it. */
  public Path dataDir() {
    return settings.dataDir();
  }

  /** The topics this start created; the others existed already. */
  public List<String> createdTopics() {
    return created;
  }

  /** Describes {@code topics} as the broker holds them. */
  public List<CatalogTopics.Listing> describe(List<TopicSpec> topics) throws InterruptedException {
    try (Admin admin = Admin.create(broker.adminConfig())) {
      return new CatalogTopics(admin).describe(topics);
    }
  }

  /** Stops the broker; a temporary one's data directory is deleted. */
  @Override
  public void close() {
    broker.close();
    if (temporary) {
      deleteRecursively(settings.dataDir());
    }
  }

  /** Deletes {@code dir} and everything below it; what cannot be deleted is left. */
  public static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A leftover temp directory is harmless.
    }
  }
}
