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

class GrafanaDashboardsTest {
  private static final String DASHBOARDS = "grafana/dashboards";

  @Test
  void shouldShipTheLineOverviewAndWorkerInternalsWhenProvisioned() {
    Set<String> titles = new HashSet<>();
    dashboards().forEach(f -> titles.add(DeployFiles.json(f).path("title").asText()));

    assertTrue(titles.contains("Clipline / Line overview"), titles.toString());
    assertTrue(titles.contains("Clipline / Worker internals"), titles.toString());
  }

  @Test
  void shouldDeclareSchemaVersionUidAndTitleWhenADashboardIsParsed() {
    Set<String> uids = new HashSet<>();
    for (Path file : dashboards()) {
      JsonNode d = DeployFiles.json(file);
      String where = DeployFiles.name(file);
      assertTrue(d.path("schemaVersion").isInt() && d.path("schemaVersion").asInt() >= 36,
          where + ": schemaVersion must be an integer >= 36, got " + d.path("schemaVersion"));
      String uid = d.path("uid").asText();
      assertTrue(uid.matches("[A-Za-z0-9_-]{1,40}"), where + ": uid must be 1-40 of [A-Za-z0-9_-], got '" + uid + "'");
      assertTrue(uids.add(uid), where + ": uid '" + uid + "' is used by another dashboard");
      assertFalse(d.path("title").asText().isBlank(), where + ": title missing");
      assertTrue(d.path("panels").isArray() && d.path("panels").size() > 0, where + ": no panels");
    }
  }

  @Test
  void shouldGiveEveryPanelAUniqueIdWhenInADashboard() {
    for (Path file : dashboards()) {
      Set<Integer> ids = new HashSet<>();
      for (JsonNode panel : panels(DeployFiles.json(file))) {
        assertTrue(panel.path("id").isInt(), DeployFiles.name(file) + ": panel '" + panel.path("title").asText() + "' has no integer id");
        assertTrue(ids.add(panel.path("id").asInt()),
            DeployFiles.name(file) + ": panel id " + panel.path("id").asInt() + " used twice");
      }
    }
  }

  @Test
  void shouldQueryTheProvisionedDatasourceWhenAPanelOrVariableQueries() {
    String uid = provisionedDatasourceUid();
    for (Path file : dashboards()) {
      JsonNode d = DeployFiles.json(file);
      List<String> wrong = new ArrayList<>();
      for (JsonNode panel : panels(d)) {
        if ("row".equals(panel.path("type").asText())) {
          continue;
        }
        checkRef(panel.path("datasource"), uid, "panel " + panel.path("id"), wrong);
        assertTrue(panel.path("targets").size() > 0, DeployFiles.name(file) + ": panel " + panel.path("id") + " has no query");
        Set<String> refIds = new HashSet<>();
        for (JsonNode target : panel.path("targets")) {
          checkRef(target.path("datasource"), uid, "panel " + panel.path("id") + " target " + target.path("refId"), wrong);
          assertFalse(target.path("expr").asText().isBlank(), DeployFiles.name(file) + ": panel " + panel.path("id") + " has an empty expr");
          assertTrue(refIds.add(target.path("refId").asText()), DeployFiles.name(file) + ": panel " + panel.path("id") + " repeats a refId");
        }
      }
      for (JsonNode variable : d.path("templating").path("list")) {
        if ("query".equals(variable.path("type").asText())) {
          checkRef(variable.path("datasource"), uid, "variable " + variable.path("name"), wrong);
        }
      }
      assertEquals(List.of(), wrong, DeployFiles.name(file) + ": datasource refs not {type: prometheus, uid: " + uid + "}");
    }
  }

  @Test
  void shouldOfferLineAndCameraVariablesWhenADashboardIsOpened() {
    for (Path file : dashboards()) {
      Set<String> names = new HashSet<>();
      DeployFiles.json(file).path("templating").path("list").forEach(v -> names.add(v.path("name").asText()));

      assertTrue(names.containsAll(Set.of("line", "camera")), DeployFiles.name(file) + " variables: " + names);
    }
  }

  @Test
  void shouldKeepEveryPanelInsideTheGridWhenLaidOut() {
    for (Path file : dashboards()) {
      for (JsonNode panel : panels(DeployFiles.json(file))) {
        JsonNode g = panel.path("gridPos");
        int x = g.path("x").asInt(-1);
        int w = g.path("w").asInt(0);
        assertTrue(x >= 0 && w > 0 && x + w <= 24 && g.path("h").asInt(0) > 0 && g.path("y").asInt(-1) >= 0,
            DeployFiles.name(file) + ": panel " + panel.path("id") + " has gridPos " + g);
      }
    }
  }

  @Test
  void shouldLoadTheDashboardsFromWhereComposeMountsThemWhenGrafanaStarts() {
    JsonNode provider = DeployFiles.yaml(DeployFiles.resolve("grafana/provisioning/dashboards/clipline.yaml"))
        .path("providers").get(0);
    String path = provider.path("options").path("path").asText();
    JsonNode grafana = DeployFiles.yaml(DeployFiles.resolve("compose/compose.yaml")).path("services").path("grafana");

    List<String> volumes = new ArrayList<>();
    grafana.path("volumes").forEach(v -> volumes.add(v.asText()));
    assertTrue(volumes.contains("../grafana/dashboards:" + path + ":ro"), "compose grafana volumes " + volumes + " do not mount the dashboards at " + path);
    assertTrue(volumes.contains("../grafana/provisioning:/etc/grafana/provisioning:ro"), volumes.toString());
  }

  static String provisionedDatasourceUid() {
    JsonNode datasources = DeployFiles.yaml(DeployFiles.resolve("grafana/provisioning/datasources/prometheus.yaml"))
        .path("datasources");
    assertEquals(1, datasources.size(), "one provisioned datasource expected");
    assertEquals("prometheus", datasources.get(0).path("type").asText());
    return datasources.get(0).path("uid").asText();
  }

  private static void checkRef(JsonNode ref, String uid, String where, List<String> wrong) {
    if (!"prometheus".equals(ref.path("type").asText()) || !uid.equals(ref.path("uid").asText())) {
      wrong.add(where + " -> " + ref);
    }
  }

  private static List<Path> dashboards() {
    List<Path> files = DeployFiles.list(DASHBOARDS, ".json");
    assertTrue(files.size() >= 2, "expected at least two dashboards in deploy/" + DASHBOARDS);
    return files;
  }

  /** Top-level panels and the panels of collapsed rows. */
  private static List<JsonNode> panels(JsonNode dashboard) {
    List<JsonNode> all = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      all.add(panel);
      panel.path("panels").forEach(all::add);
    }
    return all;
  }
}
