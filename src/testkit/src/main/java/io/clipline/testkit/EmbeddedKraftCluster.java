package io.clipline.testkit;

import io.clipline.broker.BrokerSettings;
import io.clipline.broker.KraftBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/** The in-JVM single-node KRaft broker on free local ports and a throw-away data directory. */
final class EmbeddedKraftCluster extends AdminBackedCluster implements AutoCloseable {
  private final Path dataDir;
  private final KraftBroker broker;

  EmbeddedKraftCluster() {
    try {
      this.dataDir = Files.createTempDirectory("clipline-kraft-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    BrokerSettings settings =
        new BrokerSettings(dataDir, "localhost", freePort(), freePort(), Map.of());
    this.broker = KraftBroker.start(settings);
  }

  @Override
  public String kind() {
    return "embedded-kraft";
  }

  @Override
  public String bootstrapServers() {
    return broker.bootstrapServers();
  }

  @Override
  public void close() {
    // The admin client talks to the broker, so it goes first; the data directory last.
    closeAdmin();
    broker.close();
    try (Stream<Path> paths = Files.walk(dataDir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A leftover temp directory is harmless.
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free local port", e);
    }
  }
}
