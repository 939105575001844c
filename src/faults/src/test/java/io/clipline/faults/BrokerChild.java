package io.clipline.faults;

import io.clipline.broker.LocalKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The suite's broker: {@code clipline broker} in a child JVM on fixed free ports and its own data
 * directory, so that it can be killed with {@code kill -9} and started again on the same data.
 */
final class BrokerChild implements AutoCloseable {
  private static final Pattern READY = Pattern.compile("Broker ready in ([0-9.]+) s");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final Path dataDir;
  private final Path logDir;
  private final int port;
  private final int controllerPort;
  private ChildJvm jvm;
  private int starts;

  private BrokerChild(Path dataDir, Path logDir) {
    this.dataDir = dataDir;
    this.logDir = logDir;
    var settings = LocalKafka.onFreePorts(dataDir);
    this.port = settings.port();
    this.controllerPort = settings.controllerPort();
  }

  /** Starts a broker with a fresh data directory under {@code dir}. */
  static BrokerChild start(Path dir) {
    LocalKafka.deleteRecursively(dir);
    BrokerChild broker = new BrokerChild(dir.resolve("data"), dir);
    broker.startJvm();
    return broker;
  }

  String bootstrapServers() {
    return "localhost:" + port;
  }

  /** {@code kill -9} of the broker process. */
  void kill9() {
    jvm.kill9();
  }

  /** Starts the broker again if an earlier run left it dead. */
  void ensureRunning() {
    if (!jvm.isAlive()) {
      restart();
    }
  }

  /** Starts the broker again on the same ports and data; returns how long until it served. */
  Duration restart() {
    jvm.close();
    long started = System.nanoTime();
    startJvm();
    return Duration.ofNanos(System.nanoTime() - started);
  }

  private void startJvm() {
    starts++;
    jvm = ChildJvm.clipline("broker", logDir.resolve("broker-" + starts + ".log"), List.of(
        "broker", "--data-dir", dataDir.toString(), "--host", "localhost",
        "--port", Integer.toString(port), "--controller-port", Integer.toString(controllerPort)));
    jvm.awaitLine(READY, START_TIMEOUT);
  }

  @Override
  public void close() {
    if (jvm != null) {
      jvm.close();
    }
    LocalKafka.deleteRecursively(dataDir);
  }
}
