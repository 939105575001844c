package io.clipline.broker;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Where and how the single-node broker runs.
 *
 * @param dataDir directory for the log segments and KRaft metadata; formatted on first start
 * @param host host name the broker advertises to clients
 * @param port client listener port
 * @param controllerPort KRaft controller listener port
 * @param overrides extra broker properties, applied last
 */
public record BrokerSettings(
    Path dataDir, String host, int port, int controllerPort, Map<String, String> overrides) {

  public static final int DEFAULT_PORT = 9092;
  public static final int DEFAULT_CONTROLLER_PORT = 9093;

  public BrokerSettings {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(host, "host");
    overrides = Map.copyOf(Objects.requireNonNull(overrides, "overrides"));
    checkPort("port", port);
    checkPort("controllerPort", controllerPort);
    if (port == controllerPort) {
      throw new IllegalArgumentException(
          "port and controllerPort must differ, both are " + port);
    }
  }

  /** Settings on localhost with the default ports and no overrides. */
  public static BrokerSettings local(Path dataDir) {
    return new BrokerSettings(dataDir, "localhost", DEFAULT_PORT, DEFAULT_CONTROLLER_PORT, Map.of());
  }

  public BrokerSettings withPorts(int port, int controllerPort) {
    return new BrokerSettings(dataDir, host, port, controllerPort, overrides);
  }

  public String bootstrapServers() {
    return host + ":" + port;
  }

  private static void checkPort(String key, int value) {
    if (value < 1 || value > 65535) {
      throw new IllegalArgumentException(key + " must be in 1..65535, got " + value);
    }
  }
}
