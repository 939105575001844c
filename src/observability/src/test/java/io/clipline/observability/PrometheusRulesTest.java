package io.clipline.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PrometheusRulesTest {

  @Test
  void shouldDeclareSeveritySummaryAndDescriptionWhenAnAlertIsDefined() {
    for (JsonNode rule : rules()) {
      String name = rule.path("alert").asText();
      assertFalse(name.isBlank(), "a rule without an alert name: " + rule);
      assertTrue(Set.of("critical", "warning", "info").contains(rule.path("labels").path("severity").asText()),
          name + ": severity must be critical, warning or info");
      assertFalse(rule.path("annotations").path("summary").asText().isBlank(), name + ": no summary");
      assertFalse(rule.path("annotations").path("description").asText().isBlank(), name + ": no description");
      assertFalse(rule.path("expr").asText().isBlank(), name + ": no expr");
    }
  }

  @Test
  void shouldKeepEveryExprOnOneLineWhenWritten() {
    // DeployedMetricNamesTest (inference-worker) reads the exprs line by line.
    for (JsonNode rule : rules()) {
      assertFalse(rule.path("expr").asText().strip().contains("\n"), rule.path("alert").asText() + ": expr spans lines");
    }
  }

  @Test
  void shouldNameEveryAlertOnceWhenRulesAreLoaded() {
    Set<String> names = new HashSet<>();
    for (JsonNode rule : rules()) {
      assertTrue(names.add(rule.path("alert").asText()), "alert " + rule.path("alert").asText() + " defined twice");
    }
  }

  @Test
  void shouldCoverWorkerDownLagDeadLettersLatencyAndSilentCamerasWhenShipped() {
    Set<String> names = new HashSet<>();
    rules().forEach(r -> names.add(r.path("alert").asText()));

    assertTrue(names.containsAll(Set.of("CliplineWorkerDown", "CliplineConsumerLagGrowing",
        "CliplineDeadLetterRate", "CliplineLatencyOverBudget", "CliplineCameraSilent")), names.toString());
  }

  @Test
  void shouldExplainEveryAlertWhenAnOperatorLooksItUp() {
    String guide = DeployFiles.read(DeployFiles.resolve("README.md"));
    List<String> undocumented = new ArrayList<>();
    rules().forEach(r -> {
      if (!guide.contains("#### " + r.path("alert").asText())) {
        undocumented.add(r.path("alert").asText());
      }
    });
    assertEquals(List.of(), undocumented, "alerts without a '#### <name>' section in deploy/README.md");
  }

  @Test
  void shouldScrapeTheJobsTheRulesNameWhenPrometheusLoadsItsConfig() {
    JsonNode config = DeployFiles.yaml(DeployFiles.resolve("prometheus/prometheus.yml"));
    Set<String> jobs = new HashSet<>();
    config.path("scrape_configs").forEach(j -> jobs.add(j.path("job_name").asText()));
    assertTrue(jobs.containsAll(Set.of("clipline-worker", "clipline-pipeline")), jobs.toString());

    for (JsonNode rule : rules()) {
      var m = java.util.regex.Pattern.compile("job=\"([^\"]+)\"").matcher(rule.path("expr").asText());
      while (m.find()) {
        assertTrue(jobs.contains(m.group(1)), rule.path("alert").asText() + " names job " + m.group(1) + " that is not scraped");
      }
    }
    assertEquals("/etc/prometheus/rules/*.yml", config.path("rule_files").get(0).asText());
  }

  private static List<JsonNode> rules() {
    List<JsonNode> rules = new ArrayList<>();
    List<Path> files = DeployFiles.list("prometheus/rules", ".yml");
    assertFalse(files.isEmpty(), "no rule files in deploy/prometheus/rules");
    for (Path file : files) {
      for (JsonNode group : DeployFiles.yaml(file).path("groups")) {
        assertFalse(group.path("name").asText().isBlank(), DeployFiles.name(file) + ": group without name");
        group.path("rules").forEach(rules::add);
      }
    }
    return rules;
  }
}
