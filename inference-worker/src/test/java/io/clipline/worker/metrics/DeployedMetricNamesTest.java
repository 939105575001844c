package io.clipline.worker.metrics;

import static io.clipline.worker.metrics.SampleRecords.deadLetter;
import static io.clipline.worker.metrics.SampleRecords.verdict;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipline.observability.JvmProcessMetrics;
import io.clipline.schemas.Verdict;
import io.clipline.worker.InferenceWorker.State;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every metric a Grafana dashboard or a Prometheus rule in {@code deploy/} queries must be one a
 * running worker exports: the test scrapes a registry wired as the worker process wires it and
 * compares names.
 *
 * <p>Metric names in PromQL are found by their prefixes ({@code clipline_}, {@code kafka_},
 * {@code jvm_}, {@code process_}, {@code system_}) outside quoted strings; no label Clipline uses
 * starts with one, and every query must name at least one such metric or a Prometheus built-in.
 */
class DeployedMetricNamesTest {
  private static final Pattern METRIC = Pattern.compile(
      "(?<![A-Za-z0-9_:$])(?:clipline|kafka|jvm|process|system)_[A-Za-z0-9_:]*");
  private static final Pattern QUOTED = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
  private static final Pattern BUILT_IN = Pattern.compile("(?<![A-Za-z0-9_:$])(?:up|ALERTS)(?![A-Za-z0-9_:])");
  private static final Pattern RULE_EXPR = Pattern.compile("^\\s*expr:\\s*(.+)$");

  private static PrometheusMeterRegistry registry;
  private static JvmProcessMetrics jvmMetrics;
  private static WorkerMetrics workerMetrics;
  private static KafkaConsumer<byte[], byte[]> consumer;
  private static KafkaProducer<byte[], byte[]> producer;

  @BeforeAll
  static void populateAsARunningWorker() {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    jvmMetrics = JvmProcessMetrics.bindTo(registry);
    workerMetrics = new WorkerMetrics(registry, "CUDA");
    consumer = WorkerMetricsTest.unconnectedConsumer();
    producer = WorkerMetricsTest.unconnectedProducer();
    workerMetrics.bindKafkaClients(consumer, producer);
    workerMetrics.bindInFlight(() -> 3);
    workerMetrics.onStateChange(State.CREATED, State.RUNNING);
    workerMetrics.onBatchWritten(2, 20_000_000L);
    workerMetrics.onVerdict(verdict("L1/S1/C1", Verdict.OK, null, "CUDA"));
    workerMetrics.onVerdict(verdict("L1/S1/C2", Verdict.NG, "scratch", "CUDA"));
    workerMetrics.onDeadLetter(deadLetter("L1/S1/C1", "decode.truncated"));
    workerMetrics.bankSizes(Map.of("sku-1/L1/S1/C1", 42));
  }

  @AfterAll
  static void close() {
    workerMetrics.close();
    consumer.close();
    producer.close(java.time.Duration.ZERO);
    jvmMetrics.close();
    registry.close();
  }

  @Test
  void shouldExportEveryWorkerMetricWhenADashboardOrRuleQueriesIt() throws IOException {
    Set<String> exported = new ScrapedSeries(registry.scrape()).names();
    Map<String, List<String>> missing = new TreeMap<>();
    queriedMetrics().forEach((name, usedIn) -> {
      if (!isPipelineMetric(name) && !exported.contains(name)) {
        missing.put(name, usedIn);
      }
    });

    assertEquals(Map.of(), missing,
        "metrics queried in deploy/ that a worker does not export (name -> where)");
  }

  @Test
  void shouldNameAMetricWhenAQueryIsWritten() throws IOException {
    List<String> without = new ArrayList<>();
    for (Query q : queries()) {
      String unquoted = QUOTED.matcher(q.expr()).replaceAll("\"\"");
      if (!METRIC.matcher(unquoted).find() && !BUILT_IN.matcher(unquoted).find()) {
        without.add(q.source() + ": " + q.expr());
      }
    }
    assertEquals(List.of(), without, "queries whose metric the name check cannot see");
  }

  @Test
  void shouldFindTheDeployFilesWhenRunFromTheModule() throws IOException {
    List<Query> queries = queries();
    assertTrue(queries.stream().anyMatch(q -> q.source().contains("line-overview.json")), "line overview");
    assertTrue(queries.stream().anyMatch(q -> q.source().contains("worker-internals.json")), "worker internals");
    assertTrue(queries.stream().anyMatch(q -> q.source().endsWith("clipline-alerts.yml")), "alert rules");
  }

  /** Pipeline names are checked against the pipeline's own metrics in the pipeline module. */
  private static boolean isPipelineMetric(String name) {
    return name.startsWith("clipline_pipeline_") || name.startsWith("kafka_stream_");
  }

  /** Metric name to the files and queries that use it. */
  private static Map<String, List<String>> queriedMetrics() throws IOException {
    Map<String, List<String>> names = new TreeMap<>();
    for (Query q : queries()) {
      Matcher m = METRIC.matcher(QUOTED.matcher(q.expr()).replaceAll("\"\""));
      while (m.find()) {
        names.computeIfAbsent(m.group(), k -> new ArrayList<>()).add(q.source());
      }
    }
    return names;
  }

  private record Query(String source, String expr) {}

  private static List<Query> queries() throws IOException {
    Path deploy = deployDir();
    List<Query> queries = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    try (Stream<Path> files = Files.list(deploy.resolve("grafana/dashboards"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        JsonNode dashboard = json.readTree(file.toFile());
        String source = deploy.relativize(file).toString();
        for (JsonNode panel : dashboard.path("panels")) {
          for (JsonNode target : panel.path("targets")) {
            queries.add(new Query(source + " panel " + panel.path("id").asInt(), target.path("expr").asText()));
          }
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
          JsonNode query = variable.path("query");
          queries.add(new Query(source + " variable " + variable.path("name").asText(),
              query.isObject() ? query.path("query").asText() : query.asText()));
        }
      }
    }
    try (Stream<Path> files = Files.list(deploy.resolve("prometheus/rules"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yml")).sorted().toList()) {
        for (String line : Files.readAllLines(file)) {
          Matcher m = RULE_EXPR.matcher(line);
          if (m.matches()) {
            queries.add(new Query(deploy.relativize(file).toString(), m.group(1)));
          }
        }
      }
    }
    return queries;
  }

  /** The repository's deploy/ folder, found upwards from the module's working directory. */
  static Path deployDir() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("deploy/grafana/dashboards"))) {
        return dir.resolve("deploy");
      }
    }
    throw new IllegalStateException("no deploy/grafana/dashboards above " + Path.of("").toAbsolutePath());
  }
}
