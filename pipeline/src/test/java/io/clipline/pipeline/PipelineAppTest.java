package io.clipline.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineAppTest {
  @Test
  void shouldNameBothKeysWhenNoLineTopologyIsConfigured() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> PipelineApp.fromConfig(new PipelineConfig(Map.of()), new SimpleMeterRegistry()));
    assertTrue(e.getMessage().contains(PipelineConfig.LINE_TOPOLOGY_FILE)
        && e.getMessage().contains(PipelineConfig.LINE_TOPOLOGY_TOPIC), e.getMessage());
  }

  @Test
  void shouldFailBeforeConnectingWhenTheTopologyFileIsInvalid(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("line.json");
    Files.writeString(file, "{\"lines\": [{\"lineId\": \"L1\", \"stations\": []}]}");
    ConfigException e = assertThrows(ConfigException.class, () -> PipelineApp.fromConfig(
        new PipelineConfig(Map.of(PipelineConfig.LINE_TOPOLOGY_FILE, file.toString())),
        new SimpleMeterRegistry()));
    assertTrue(e.getMessage().contains("lines[0].stations"), e.getMessage());
  }

  @Test
  void shouldRefuseStartWhenClosedAndTolerateASecondClose(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("line.json");
    Files.writeString(file, TestRecords.TOPOLOGY_JSON);
    PipelineApp app = PipelineApp.fromConfig(
        new PipelineConfig(Map.of(PipelineConfig.LINE_TOPOLOGY_FILE, file.toString())),
        new SimpleMeterRegistry());
    assertEquals(KafkaStreams.State.CREATED, app.state());
    app.close();
    app.close();
    assertThrows(IllegalStateException.class, app::start);
  }
}
