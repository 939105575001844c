package io.clipline.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The pipeline settings and line topology shipped in deploy/ pass start-up validation. */
class DeployedPipelineConfigTest {
  private static final Path CONFIG = Path.of("..", "deploy", "compose", "config");

  @Test
  void shouldStartFromTheComposeConfigWhenDeployed() throws IOException {
    Properties properties = new Properties();
    try (Reader in = Files.newBufferedReader(CONFIG.resolve("pipeline.properties"))) {
      properties.load(in);
    }
    Map<String, Object> settings = new HashMap<>();
    properties.forEach((k, v) -> settings.put(String.valueOf(k), v));
    assertEquals("/etc/clipline/line.json", settings.get(PipelineConfig.LINE_TOPOLOGY_FILE));
    // The container mounts deploy/compose/config/line.json there.
    settings.put(PipelineConfig.LINE_TOPOLOGY_FILE, CONFIG.resolve("line.json").toString());

    PipelineConfig config = new PipelineConfig(settings);
    LineLayout line = LineLayoutLoader.load(
        Path.of(config.getString(PipelineConfig.LINE_TOPOLOGY_FILE)));

    assertTrue(line.placement("line-1/station-1/cam-1").isPresent());
  }
}
