package io.clipline.observability;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP endpoint Prometheus and the orchestrator talk to.
 *
 * <ul>
 *   <li>{@code GET /metrics}: every meter of the registry in the Prometheus text format 0.0.4;
 *   <li>{@code GET /health/live}: 200 while the process runs;
 *   <li>{@code GET /health/ready}: 200 when every {@link Readiness} check passes, otherwise 503
 *       with the names of the failing checks, one a line.
 * </ul>
 *
 * <pre>{@code
 * try (MetricsServer server = MetricsServer.start("0.0.0.0", 9400, registry, readiness)) {
 *   ...
 * }
 * }</pre>
 *
 * <p>Port 0 picks a free port; {@link #port()} says which. Two daemon threads serve requests, so
 * a slow scrape does not hold up a probe.
 */
public final class MetricsServer implements AutoCloseable {
  public static final String METRICS_PATH = "/metrics";
  public static final String LIVE_PATH = "/health/live";
  public static final String READY_PATH = "/health/ready";

  private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  private static final String PLAIN_TEXT = "text/plain; charset=utf-8";

  private final HttpServer server;
  private final ExecutorService executor;
  private final PrometheusMeterRegistry registry;
  private final Readiness readiness;
  private final AtomicBoolean closed = new AtomicBoolean();

  private MetricsServer(HttpServer server, ExecutorService executor,
      PrometheusMeterRegistry registry, Readiness readiness) {
    this.server = server;
    this.executor = executor;
    this.registry = registry;
    this.readiness = readiness;
  }

  /**
   * Starts serving on {@code host:port}; returns once the socket is bound.
   *
   * @throws ObservabilityException when the address cannot be bound, naming it
   */
  public static MetricsServer start(
      String host, int port, PrometheusMeterRegistry registry, Readiness readiness) {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(readiness, "readiness");
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("metrics port must be in [0, 65535], got " + port);
    }
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 16);
    } catch (IOException e) {
      throw new ObservabilityException("cannot serve metrics and health probes on " + host + ":"
          + port + " (" + e.getMessage() + "); pick another metrics port, or 0 for a free one", e);
    }
    AtomicInteger threadId = new AtomicInteger();
    ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "clipline-metrics-http-" + threadId.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    MetricsServer metricsServer = new MetricsServer(server, executor, registry, readiness);
    server.createContext("/", metricsServer::handle);
    server.setExecutor(executor);
    server.start();
    LOG.info("metrics and health probes on {}", metricsServer.uri());
    return metricsServer;
  }

  /** The port the server listens on; the chosen one when it was started with port 0. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Base address, for example {@code http://0.0.0.0:9400}. */
  public URI uri() {
    InetSocketAddress address = server.getAddress();
    // Bound to every interface: name the one a local operator can open.
    String host = address.getAddress().isAnyLocalAddress() ? "localhost" : address.getHostString();
    return URI.create("http://" + host + ":" + address.getPort());
  }

  /** Stops listening at once; a second call does nothing. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    // Stop accepting first, then end the threads that may still answer a request.
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      if (!"GET".equals(method) && !"HEAD".equals(method)) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        respond(exchange, 405, PLAIN_TEXT, method + " not allowed; use GET\n");
        return;
      }
      String path = exchange.getRequestURI().getPath();
      switch (path) {
        case METRICS_PATH -> respond(exchange, 200, PROMETHEUS_TEXT, registry.scrape());
        case LIVE_PATH -> respond(exchange, 200, PLAIN_TEXT, "live\n");
        case READY_PATH -> ready(exchange);
        default -> respond(exchange, 404, PLAIN_TEXT,
            "no such path " + path + "; try " + METRICS_PATH + ", " + LIVE_PATH + " or " + READY_PATH
                + "\n");
      }
    } catch (RuntimeException e) {
      LOG.warn("metrics endpoint failed on {}: {}", exchange.getRequestURI(), e.toString(), e);
      throw e;
    }
  }

  private void ready(HttpExchange exchange) throws IOException {
    List<String> failing = readiness.failing();
    if (failing.isEmpty()) {
      respond(exchange, 200, PLAIN_TEXT, "ready\n");
    } else {
      respond(exchange, 503, PLAIN_TEXT, "not ready:\n" + String.join("\n", failing) + "\n");
    }
  }

  private static void respond(HttpExchange exchange, int status, String contentType, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    if ("HEAD".equals(exchange.getRequestMethod())) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
