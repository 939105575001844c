package io.clipline.worker.metrics;

import static io.clipline.worker.metrics.SampleRecords.verdict;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipline.broker.LocalPorts;
import io.clipline.observability.MetricsServer;
import io.clipline.observability.Readiness;
import io.clipline.schemas.Verdict;
import io.clipline.worker.InferenceWorker.State;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus scrapes a worker's metrics endpoint and answers a query with its data; it
 * also loads deploy/'s alert rules, so a rule Prometheus refuses fails here. Runs only where a
 * {@code prometheus} binary is on the PATH (CI installs Debian's {@code prometheus} package).
 */
class PrometheusScrapeTest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final ObjectMapper json = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void shouldAnswerAVerdictQueryWhenPrometheusScrapesAWorker() throws Exception {
    Optional<Path> prometheus = onPath("prometheus");
    assumeTrue(prometheus.isPresent(),
        "no prometheus binary on the PATH: real-scrape test skipped (apt-get install prometheus)");

    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (WorkerMetrics metrics = new WorkerMetrics(registry, "CPU");
        MetricsServer server = MetricsServer.start("127.0.0.1", 0, registry, new Readiness())) {
      metrics.onStateChange(State.CREATED, State.RUNNING);
      metrics.onVerdict(verdict("L1/S1/C1", Verdict.OK, null, "CPU"));
      metrics.onVerdict(verdict("L1/S1/C1", Verdict.NG, "scratch", "CPU"));

      int port = LocalPorts.free();
      Path config = writeConfig(server.port());
      Process process = new ProcessBuilder(prometheus.get().toString(),
          "--config.file=" + config,
          "--storage.tsdb.path=" + dir.resolve("data"),
          "--web.listen-address=127.0.0.1:" + port)
          .redirectErrorStream(true)
          .redirectOutput(dir.resolve("prometheus.log").toFile())
          .start();
      try {
        URI api = URI.create("http://127.0.0.1:" + port + "/api/v1/");
        JsonNode series = awaitResult(api, "clipline_worker_verdicts_total", process);

        assertEquals(2, series.size(), "one series per verdict: " + series);
        for (JsonNode s : series) {
          assertEquals("clipline-worker", s.path("metric").path("job").asText());
          assertEquals("L1", s.path("metric").path("line").asText());
          assertEquals("1", s.path("value").get(1).asText());
        }
        JsonNode groups = get(api.resolve("rules")).path("data").path("groups");
        assertTrue(groups.size() >= 2, "deploy/ rule groups loaded: " + groups);
      } finally {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      }
    } finally {
      registry.close();
    }
  }

  private Path writeConfig(int workerPort) throws IOException {
    Path rules = DeployedMetricNamesTest.deployDir().resolve("prometheus/rules").toAbsolutePath();
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(config, String.join("\n",
        "global:",
        "  scrape_interval: 1s",
        "  evaluation_interval: 1s",
        "rule_files:",
        "  - " + rules + "/*.yml",
        "scrape_configs:",
        "  - job_name: clipline-worker",
        "    static_configs:",
        "      - targets: ['127.0.0.1:" + workerPort + "']",
        ""));
    return config;
  }

  private JsonNode awaitResult(URI api, String query, Process process) throws Exception {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        fail("prometheus exited with " + process.exitValue() + ":\n" + log());
      }
      try {
        JsonNode answer = get(api.resolve("query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8)));
        JsonNode result = answer.path("data").path("result");
        if (result.size() > 0) {
          return result;
        }
        last = answer.toString();
      } catch (IOException e) {
        last = e.toString(); // not listening yet
      }
      Thread.sleep(500);
    }
    return fail("no data for " + query + " within " + DEADLINE + "; last answer: " + last + "\n" + log());
  }

  private JsonNode get(URI uri) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    return json.readTree(response.body());
  }

  private String log() throws IOException {
    Path log = dir.resolve("prometheus.log");
    return Files.exists(log) ? Files.readString(log) : "(no log)";
  }

  private static Optional<Path> onPath(String binary) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .filter(p -> !p.isBlank())
        .map(p -> Path.of(p, binary))
        .filter(Files::isExecutable)
        .findFirst();
  }
}
