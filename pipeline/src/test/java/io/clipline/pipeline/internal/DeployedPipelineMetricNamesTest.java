package io.clipline.pipeline.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clipline.schemas.Alert;
import io.clipline.schemas.AlertKind;
import io.clipline.schemas.AlertState;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every pipeline metric a dashboard or alert rule in deploy/ queries is one the pipeline exports. */
class DeployedPipelineMetricNamesTest {
  private static final Pattern NAME = Pattern.compile("clipline_pipeline_[a-z_]+");

  @Test
  void shouldExportEveryPipelineMetricWhenDashboardsOrRulesQueryIt() throws IOException {
    Set<String> queried = new TreeSet<>();
    Path deploy = Path.of("..", "deploy");
    try (Stream<Path> files = Files.walk(deploy)) {
      for (Path file : files.filter(f -> f.toString().matches(".*\\.(json|ya?ml)$")).toList()) {
        Matcher m = NAME.matcher(Files.readString(file));
        while (m.find()) {
          queried.add(m.group().replaceAll("_(bucket|count|sum|max)$", ""));
        }
      }
    }
    assertFalse(queried.isEmpty(), "the dashboards should show pipeline metrics");

    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    PipelineMetrics metrics = new PipelineMetrics(registry);
    metrics.output("rejects");
    metrics.fusionWait(12);
    metrics.itemDecided("complete");
    metrics.duplicateView();
    metrics.alert(sampleAlert());
    metrics.deadLetter("schema.not_avro");
    String scrape = registry.scrape();

    for (String name : queried) {
      assertTrue(scrape.contains(name), name + " is queried in deploy/ but the pipeline does not"
          + " export it; exported:\n" + scrape);
    }
  }

  private static Alert sampleAlert() {
    return Alert.newBuilder()
        .setAlertId("a-1").setKind(AlertKind.DEFECT_SURGE).setState(AlertState.FIRING)
        .setLineId("line-1").setCameraId(null).setDefectType("crack")
        .setSince(java.time.Instant.EPOCH).setObservedValue(0.3).setBaselineValue(0.05)
        .setSeverity(io.clipline.schemas.AlertSeverity.WARNING).setMessage("surge")
        .setTime(java.time.Instant.EPOCH)
        .build();
  }
}
