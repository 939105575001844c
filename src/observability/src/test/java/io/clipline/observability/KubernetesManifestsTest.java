package io.clipline.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clipline.schemas.topic.TopicCatalog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class KubernetesManifestsTest {
  private record Manifest(String file, JsonNode node) {
    String kind() {
      return node.path("kind").asText();
    }

    String name() {
      return node.path("metadata").path("name").asText();
    }

    @Override
    public String toString() {
      return file + " " + kind() + "/" + name();
    }
  }

  @Test
  void shouldDeclareApiVersionKindAndNameWhenAManifestIsParsed() {
    for (Manifest m : manifests()) {
      assertFalse(m.node().path("apiVersion").asText().isBlank(), m + ": apiVersion missing");
      assertFalse(m.kind().isBlank(), m + ": kind missing");
      assertFalse(m.name().isBlank(), m + ": metadata.name missing");
      if (!m.kind().equals("Namespace")) {
        assertEquals("clipline", m.node().path("metadata").path("namespace").asText(), m + ": namespace");
      }
    }
  }

  @Test
  void shouldRequestResourcesAndOneGpuWhenTheWorkerIsDeployed() {
    JsonNode worker = one("Deployment", "clipline-worker").node();
    for (JsonNode c : worker.path("spec").path("template").path("spec").path("containers")) {
      JsonNode resources = c.path("resources");
      assertFalse(resources.path("requests").path("cpu").asText().isBlank(), "worker cpu request");
      assertFalse(resources.path("requests").path("memory").asText().isBlank(), "worker memory request");
      assertFalse(resources.path("limits").path("memory").asText().isBlank(), "worker memory limit");
      assertEquals("1", resources.path("limits").path("nvidia.com/gpu").asText(), "worker nvidia.com/gpu limit");
    }
  }

  @Test
  void shouldSelectAWorkloadsPodsWhenAPodDisruptionBudgetIsDeclared() {
    List<Manifest> budgets = all("PodDisruptionBudget");
    assertTrue(budgets.size() >= 2, "PDBs for the worker and the pipeline: " + budgets);
    for (Manifest pdb : budgets) {
      JsonNode selector = pdb.node().path("spec").path("selector").path("matchLabels");
      assertFalse(selector.isEmpty(), pdb + ": empty selector would match every pod");
      long matching = workloads().stream()
          .filter(w -> matches(selector, w.node().path("spec").path("template").path("metadata").path("labels")))
          .count();
      assertEquals(1, matching, pdb + ": selector " + selector + " should match exactly one workload's pods");
      JsonNode spec = pdb.node().path("spec");
      assertTrue(spec.has("maxUnavailable") ^ spec.has("minAvailable"), pdb + ": set one of maxUnavailable, minAvailable");
    }
  }

  @Test
  void shouldMatchEachWorkloadsSelectorToItsPodLabelsWhenDeployed() {
    for (Manifest w : workloads()) {
      JsonNode spec = w.node().path("spec");
      assertTrue(matches(spec.path("selector").path("matchLabels"), spec.path("template").path("metadata").path("labels")),
          w + ": spec.selector does not match the pod template labels");
    }
  }

  @Test
  void shouldNotScaleBeyondTheFramePartitionsWhenKedaScalesTheWorkers() {
    Manifest scaled = one("ScaledObject", "clipline-worker");
    JsonNode spec = scaled.node().path("spec");
    int partitions = TopicCatalog.FRAMES.partitions();

    int max = spec.path("maxReplicaCount").asInt(-1);
    assertTrue(max >= 1 && max <= partitions, scaled + ": maxReplicaCount " + max + " must be in [1, " + partitions + "]");
    assertTrue(spec.path("minReplicaCount").asInt(-1) >= 1, scaled + ": keep at least one worker");
    assertEquals("Deployment", spec.path("scaleTargetRef").path("kind").asText());
    assertNotNull(one("Deployment", spec.path("scaleTargetRef").path("name").asText()));
    JsonNode trigger = spec.path("triggers").get(0);
    assertEquals("kafka", trigger.path("type").asText());
    assertEquals(TopicCatalog.FRAMES.name(), trigger.path("metadata").path("topic").asText());
    assertEquals("clipline-workers", trigger.path("metadata").path("consumerGroup").asText());
  }

  @Test
  void shouldRunThePipelineAsAStatefulSetWithAStateVolumeWhenDeployed() {
    JsonNode spec = one("StatefulSet", "clipline-pipeline").node().path("spec");

    assertEquals("clipline-pipeline", spec.path("serviceName").asText());
    assertNotNull(one("Service", "clipline-pipeline"));
    assertEquals("state", spec.path("volumeClaimTemplates").get(0).path("metadata").path("name").asText());
    JsonNode resources = spec.path("template").path("spec").path("containers").get(0).path("resources");
    assertFalse(resources.path("requests").path("memory").asText().isBlank(), "pipeline memory request");
  }

  @Test
  void shouldProbeTheHealthEndpointsAndRunAsNonRootWhenAPodRuns() {
    for (Manifest w : workloads()) {
      JsonNode pod = w.node().path("spec").path("template").path("spec");
      assertTrue(pod.path("securityContext").path("runAsNonRoot").asBoolean(), w + ": runAsNonRoot");
      for (JsonNode c : pod.path("containers")) {
        Set<String> ports = new HashSet<>();
        c.path("ports").forEach(p -> ports.add(p.path("name").asText()));
        assertEquals("/health/live", c.path("livenessProbe").path("httpGet").path("path").asText(), w + ": liveness path");
        assertEquals("/health/ready", c.path("readinessProbe").path("httpGet").path("path").asText(), w + ": readiness path");
        assertTrue(ports.contains(c.path("readinessProbe").path("httpGet").path("port").asText()), w + ": probe port not declared");
      }
    }
  }

  @Test
  void shouldFindAServiceWithTheMetricsPortWhenAServiceMonitorSelectsIt() {
    List<Manifest> monitors = all("ServiceMonitor");
    assertEquals(2, monitors.size(), "ServiceMonitors for the worker and the pipeline");
    for (Manifest monitor : monitors) {
      JsonNode selector = monitor.node().path("spec").path("selector").path("matchLabels");
      List<Manifest> services = all("Service").stream()
          .filter(s -> matches(selector, s.node().path("metadata").path("labels"))).toList();
      assertEquals(1, services.size(), monitor + ": selector " + selector + " should match one Service");
      Set<String> ports = new HashSet<>();
      services.get(0).node().path("spec").path("ports").forEach(p -> ports.add(p.path("name").asText()));
      for (JsonNode endpoint : monitor.node().path("spec").path("endpoints")) {
        assertTrue(ports.contains(endpoint.path("port").asText()), monitor + ": port " + endpoint.path("port") + " not on the Service");
        assertEquals("/metrics", endpoint.path("path").asText());
      }
    }
  }

  @Test
  void shouldListEveryManifestWhenKustomizationIsApplied() {
    JsonNode kustomization = DeployFiles.yaml(DeployFiles.resolve("k8s/kustomization.yaml"));
    Set<String> listed = new HashSet<>();
    kustomization.path("resources").forEach(r -> listed.add(r.asText()));
    Set<String> files = new HashSet<>();
    manifestFiles().forEach(f -> files.add(f.getFileName().toString()));

    assertEquals(files, listed, "kustomization.yaml resources vs the manifests in deploy/k8s");
  }

  @Test
  void shouldMountTheConfigMapsThatExistWhenAPodStarts() {
    Set<String> configMaps = new HashSet<>();
    all("ConfigMap").forEach(c -> configMaps.add(c.name()));
    for (Manifest w : workloads()) {
      for (JsonNode volume : w.node().path("spec").path("template").path("spec").path("volumes")) {
        if (volume.has("configMap")) {
          String name = volume.path("configMap").path("name").asText();
          assertTrue(configMaps.contains(name), w + " mounts missing ConfigMap " + name);
        }
      }
    }
  }

  private static boolean matches(JsonNode selector, JsonNode labels) {
    Map<String, String> wanted = new TreeMap<>();
    selector.properties().forEach(e -> wanted.put(e.getKey(), e.getValue().asText()));
    return !wanted.isEmpty() && wanted.entrySet().stream()
        .allMatch(e -> e.getValue().equals(labels.path(e.getKey()).asText(null)));
  }

  private static List<Manifest> workloads() {
    List<Manifest> workloads = new ArrayList<>(all("Deployment"));
    workloads.addAll(all("StatefulSet"));
    return workloads;
  }

  private static Manifest one(String kind, String name) {
    List<Manifest> found = all(kind).stream().filter(m -> m.name().equals(name)).toList();
    assertEquals(1, found.size(), "expected one " + kind + "/" + name + " in deploy/k8s, found " + found);
    return found.get(0);
  }

  private static List<Manifest> all(String kind) {
    return manifests().stream().filter(m -> m.kind().equals(kind)).toList();
  }

  private static List<Path> manifestFiles() {
    return DeployFiles.list("k8s", ".yaml").stream()
        .filter(f -> !f.getFileName().toString().equals("kustomization.yaml")).toList();
  }

  private static List<Manifest> manifests() {
    List<Manifest> manifests = new ArrayList<>();
    for (Path file : manifestFiles()) {
      DeployFiles.yamlDocuments(file).forEach(d -> manifests.add(new Manifest(DeployFiles.name(file), d)));
    }
    assertFalse(manifests.isEmpty(), "no manifests in deploy/k8s");
    return manifests;
  }
}
