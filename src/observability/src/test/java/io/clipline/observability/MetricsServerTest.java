package io.clipline.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MetricsServerTest {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Readiness readiness = new Readiness();
  private MetricsServer server;

  @BeforeEach
  void start() {
    server = MetricsServer.start("127.0.0.1", 0, registry, readiness);
  }

  @AfterEach
  void stop() {
    server.close();
    registry.close();
  }

  @Test
  void shouldServeTheRegistryInPrometheusTextWhenMetricsAreRequested() throws Exception {
    Counter.builder("clipline.test.frames").tag("line", "L1").register(registry).increment(3);

    HttpResponse<String> response = get("/metrics");

    assertEquals(200, response.statusCode());
    assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
    assertTrue(response.body().contains("clipline_test_frames_total{line=\"L1\"} 3.0"), response.body());
  }

  @Test
  void shouldAnswerLiveWhenTheProcessRuns() throws Exception {
    readiness.register("kafka", () -> false);

    assertEquals(200, get("/health/live").statusCode());
  }

  @Test
  void shouldAnswer503NamingTheFailingChecksWhenNotReady() throws Exception {
    readiness.register("kafka", () -> false).register("model", () -> true).register("prompts", () -> false);

    HttpResponse<String> response = get("/health/ready");

    assertEquals(503, response.statusCode());
    assertEquals("not ready:\nkafka\nprompts\n", response.body());
  }

  @Test
  void shouldAnswer200WhenEveryCheckPasses() throws Exception {
    AtomicBoolean connected = new AtomicBoolean();
    readiness.register("kafka", connected::get);
    assertEquals(503, get("/health/ready").statusCode());

    connected.set(true);

    assertEquals(200, get("/health/ready").statusCode());
  }

  @Test
  void shouldAnswer404NamingThePathsWhenThePathIsUnknown() throws Exception {
    HttpResponse<String> response = get("/metricsx");

    assertEquals(404, response.statusCode());
    assertTrue(response.body().contains("/metrics"), response.body());
  }

  @Test
  void shouldAnswer405WhenTheMethodIsPost() throws Exception {
    HttpRequest post = HttpRequest.newBuilder(server.uri().resolve("/metrics"))
        .POST(HttpRequest.BodyPublishers.ofString("x")).build();

    HttpResponse<String> response = http.send(post, HttpResponse.BodyHandlers.ofString());

    assertEquals(405, response.statusCode());
    assertEquals("GET, HEAD", response.headers().firstValue("Allow").orElse(""));
  }

  @Test
  void shouldExportJvmAndProcessMetersWhenBound() throws Exception {
    JvmProcessMetrics jvm = JvmProcessMetrics.bindTo(registry);
    try {
      String body = get("/metrics").body();

      for (String name : new String[] {"jvm_memory_used_bytes", "jvm_threads_live_threads",
          "process_cpu_usage", "process_uptime_seconds", "jvm_classes_loaded_classes"}) {
        assertTrue(body.contains(name), name + " missing from:\n" + body);
      }
    } finally {
      jvm.close();
      jvm.close();
    }
  }

  @Test
  void shouldRefuseConnectionsAndTolerateASecondCloseWhenClosed() {
    URI live = server.uri().resolve("/health/live");
    server.close();
    server.close();

    assertThrows(ConnectException.class,
        () -> http.send(HttpRequest.newBuilder(live).build(), HttpResponse.BodyHandlers.ofString()));
  }

  @Test
  void shouldNameTheAddressWhenThePortIsTaken() {
    ObservabilityException e = assertThrows(ObservabilityException.class,
        () -> MetricsServer.start("127.0.0.1", server.port(), registry, readiness));

    assertTrue(e.getMessage().contains("127.0.0.1:" + server.port()), e.getMessage());
  }

  @Test
  void shouldRefuseThePortWhenOutOfRange() {
    assertThrows(IllegalArgumentException.class,
        () -> MetricsServer.start("127.0.0.1", 70_000, registry, readiness));
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(server.uri().resolve(path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
