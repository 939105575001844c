package io.clipline.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ContainerImagesTest {
  private static final Pattern FROM = Pattern.compile("(?m)^FROM\\s+(\\S+)");

  @Test
  void shouldRunAsNonRootWithAHealthCheckWhenAnImageIsBuilt() {
    List<Path> dockerfiles = DeployFiles.list("docker", ".Dockerfile");
    assertEquals(3, dockerfiles.size(), "worker-cpu, worker-gpu and pipeline: " + dockerfiles);
    for (Path file : dockerfiles) {
      String text = DeployFiles.read(file);
      assertTrue(text.contains("\nUSER 10001\n"), DeployFiles.name(file) + ": must switch to the non-root user 10001");
      assertTrue(text.contains("\nHEALTHCHECK "), DeployFiles.name(file) + ": HEALTHCHECK missing");
      assertTrue(text.contains("/health/live"), DeployFiles.name(file) + ": health check should probe /health/live");
      assertTrue(Files.exists(Path.of(file + ".dockerignore")), DeployFiles.name(file) + ": .dockerignore beside it");
    }
  }

  @Test
  void shouldRunTheGpuWorkerOnCuda12WithCudnn9WhenBuiltForTheGpu() {
    String text = DeployFiles.read(DeployFiles.resolve("docker/worker-gpu.Dockerfile"));
    Matcher from = FROM.matcher(text);
    String runtimeBase = null;
    while (from.find()) {
      runtimeBase = from.group(1);
    }
    // ONNX Runtime 1.29's GPU artifact is built against CUDA 12 and cuDNN 9; NVIDIA's "cudnn"
    // tags of CUDA 12 carry cuDNN 9.
    assertTrue(runtimeBase != null && runtimeBase.matches("nvidia/cuda:12\\.\\d+\\.\\d+-cudnn-runtime-ubuntu\\d+\\.\\d+"),
        "GPU runtime base: " + runtimeBase);
    assertTrue(text.contains("-Pgpu"), "the GPU image must build with the gpu profile (onnxruntime_gpu)");
  }

  @Test
  void shouldBuildEveryServiceFromAnExistingDockerfileWhenComposeIsUp() {
    JsonNode services = DeployFiles.yaml(DeployFiles.resolve("compose/compose.yaml")).path("services");
    Set<String> names = new HashSet<>();
    services.fieldNames().forEachRemaining(names::add);
    assertTrue(names.containsAll(Set.of("kafka", "topics", "worker", "pipeline", "prometheus", "grafana")), names.toString());

    services.properties().forEach(e -> {
      JsonNode build = e.getValue().path("build");
      if (!build.isMissingNode()) {
        Path dockerfile = DeployFiles.resolve("compose").resolve(build.path("context").asText())
            .resolve(build.path("dockerfile").asText()).normalize();
        assertTrue(Files.exists(dockerfile), e.getKey() + ": no " + dockerfile);
      }
    });
  }

  @Test
  void shouldReserveTheGpuForWorkersWhenComposeStartsThem() {
    JsonNode worker = DeployFiles.yaml(DeployFiles.resolve("compose/compose.yaml")).path("services").path("worker");
    JsonNode device = worker.path("deploy").path("resources").path("reservations").path("devices").get(0);

    assertEquals("nvidia", device.path("driver").asText());
    assertEquals("gpu", device.path("capabilities").get(0).asText());
    assertTrue(worker.path("deploy").path("replicas").asText().contains("WORKERS"), "replicas from $WORKERS");
    assertEquals("service_completed_successfully",
        worker.path("depends_on").path("topics").path("condition").asText(), "workers wait for the topics");
  }
}
