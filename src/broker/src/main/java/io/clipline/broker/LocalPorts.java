package io.clipline.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/**
 * Free local TCP ports, for brokers, metrics servers and tests that must not collide with
 * whatever else runs on the machine. A port is free when asked for; it may be taken again
 * before it is bound, which for local runs and tests is rare enough.
 */
public final class LocalPorts {
  private LocalPorts() {}

  /**
   * A local port nothing listens on now.
   *
   * @throws UncheckedIOException when no port can be opened at all
   */
  public static int free() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free local port", e);
    }
  }
}
