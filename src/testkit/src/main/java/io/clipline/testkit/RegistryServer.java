package io.clipline.testkit;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real Apicurio Registry (the app {@code src/registry-server} builds with {@code mvn
 * -Pregistry}) run as a forked JVM on a free loopback port, with in-memory storage: for
 * integration tests of the schema-registry wire format. Never a mock.
 *
 * <p>Test classes use it through {@link RegistryServerExtension}, which checks {@link #appJar()}
 * and skips the class, with {@link #MISSING_MESSAGE}, when the app was not built. {@link #start} waits, bounded, until the registry's Confluent-compatible API
 * answers; {@link #close} ends the process.
 */
public final class RegistryServer implements AutoCloseable {
  /** System property naming the app's runner jar (set by the build's surefire configuration). */
  public static final String JAR_PROPERTY = "clipline.registry.jar";

  /** Why registry tests skip when the app is missing. */
  public static final String MISSING_MESSAGE = "no schema registry app: build it with"
      + " `mvn -B -Pregistry verify` (module src/registry-server, Apicurio Registry 2.4.2.Final,"
      + " in-memory storage); system property " + JAR_PROPERTY;

  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final Process process;
  private final Path log;
  private final int port;

  private RegistryServer(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /** The registry app's runner jar, when it was built. */
  public static Optional<Path> appJar() {
    String jar = System.getProperty(JAR_PROPERTY);
    return jar == null || jar.isBlank() || !Files.isRegularFile(Path.of(jar))
        ? Optional.empty() : Optional.of(Path.of(jar));
  }

  /**
   * Starts the registry and waits until {@code GET /apis/ccompat/v7/subjects} answers 200.
   *
   * @throws IllegalStateException when the app is missing, or it does not answer within 90 s
   *     (the message holds the end of its log)
   */
  public static RegistryServer start() throws IOException, InterruptedException {
    Path jar = appJar().orElseThrow(() -> new IllegalStateException(MISSING_MESSAGE));
    int port = freePort();
    Path log = Files.createTempFile("clipline-registry-", ".log");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process process = new ProcessBuilder(List.of(java.toString(), "-Xmx512m",
        "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port, "-jar", jar.toString()))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    RegistryServer server = new RegistryServer(process, log, port);
    try {
      server.awaitReady();
    } catch (IOException | InterruptedException | RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  /** Base address, {@code http://127.0.0.1:PORT}, as {@code schema.registry.url} takes it. */
  public String url() {
    return "http://127.0.0.1:" + port;
  }

  private void awaitReady() throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create(url() + "/apis/ccompat/v7/subjects"))
        .timeout(Duration.ofSeconds(5)).GET().build();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the registry exited with " + process.exitValue() + ":\n"
            + logTail());
      }
      try {
        if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // Not listening yet.
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("the registry did not answer within " + START_TIMEOUT
        + ":\n" + logTail());
  }

  private String logTail() throws IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() throws InterruptedException, IOException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    Files.deleteIfExists(log);
  }
}
