package io.clipline.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PipelineConfigTest {
  @Test
  void shouldRunExactlyOnceWithTheDeadLetterHandlerWhenNothingIsSet() {
    Properties props = new PipelineConfig(Map.of()).streamsProperties();
    assertEquals(StreamsConfig.EXACTLY_ONCE_V2,
        props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
    assertEquals("clipline-pipeline", props.get(StreamsConfig.APPLICATION_ID_CONFIG));
    String handler = String.valueOf(
        props.get(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG));
    assertTrue(handler.endsWith("DeadLetterHandler"), handler);
  }

  @Test
  void shouldPassStreamsSettingsThroughWhenPrefixed() {
    Properties props = new PipelineConfig(Map.of("streams.num.stream.threads", "3"))
        .streamsProperties();
    assertEquals("3", props.get(StreamsConfig.NUM_STREAM_THREADS_CONFIG));
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({
      // a typo of a pipeline key
      "fusion.deadline,               100",
      // below the range
      "fusion.deadline.ms,            0",
      // not one of the verdicts
      "fusion.missing.view.verdict,   MAYBE",
      // not a number
      "stats.window.ms,               soon",
      // a prefixed key Kafka Streams does not know
      "streams.num.stream.thread,     2",
  })
  void shouldNameTheKeyWhenAValueIsBad(String key, String value) {
    ConfigException e = assertThrows(ConfigException.class,
        () -> new PipelineConfig(Map.of(key, value)));
    assertTrue(e.getMessage().contains(key), e.getMessage());
  }

  @Test
  void shouldStopStartUpNamingTheUrlKeyWhenTheRegistryFormatHasNoRegistry() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> new PipelineConfig(Map.of("serde.format", "registry")));

    assertTrue(e.getMessage().contains("schema.registry.url"), e.getMessage());
  }

  @Test
  void shouldAcceptRegistryClientSettingsWithTheirPrefix() {
    PipelineConfig config = new PipelineConfig(Map.of("serde.format", "registry",
        "schema.registry.url", "http://registry:8080",
        "schema.registry.apicurio.auth.password", "secret"));

    assertEquals(Map.of("apicurio.auth.password", "secret"),
        config.serdeSettings().clientSettings());
  }

  @Test
  void shouldNameBothKeysWhenGraceDwarfsTheWindow() {
    ConfigException e = assertThrows(ConfigException.class, () -> new PipelineConfig(
        Map.of(PipelineConfig.STATS_WINDOW_MS, "1000", PipelineConfig.STATS_GRACE_MS, "60000")));
    assertTrue(e.getMessage().contains(PipelineConfig.STATS_WINDOW_MS)
        && e.getMessage().contains(PipelineConfig.STATS_GRACE_MS), e.getMessage());
  }

  @Test
  void shouldMatchTheReadmeTableWhenSettingsChange() throws IOException {
    String text = Files.readString(Path.of("README.md"));
    String start = "<!-- pipeline-config:start -->\n";
    String end = "<!-- pipeline-config:end -->";
    int from = text.indexOf(start);
    int to = text.indexOf(end);
    assertTrue(from >= 0 && to > from, "pipeline/README.md lacks the pipeline-config markers");
    assertEquals(PipelineConfig.markdownTable(), text.substring(from + start.length(), to),
        "pipeline/README.md's config table is out of date; paste PipelineConfig.markdownTable()");
  }
}
