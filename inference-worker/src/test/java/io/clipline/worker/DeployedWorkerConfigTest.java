package io.clipline.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The worker settings shipped in deploy/ pass start-up validation (no typo, no bad value). */
class DeployedWorkerConfigTest {

  @Test
  void shouldStartFromTheComposeConfigWhenDeployed() throws IOException {
    Properties properties = new Properties();
    try (Reader in = Files.newBufferedReader(
        Path.of("..", "deploy", "compose", "config", "worker.properties"))) {
      properties.load(in);
    }
    Map<String, Object> settings = new HashMap<>();
    properties.forEach((k, v) -> settings.put(String.valueOf(k), v));

    WorkerConfig config = new WorkerConfig(settings);

    assertEquals(9400, config.getInt(WorkerConfig.METRICS_PORT));
  }
}
