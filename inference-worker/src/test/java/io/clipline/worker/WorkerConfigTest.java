package io.clipline.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clipline.inference.ModelFrameScorer;
import io.clipline.scoring.ScoringConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WorkerConfigTest {

  @Test
  void shouldStartWithDefaultsWhenNothingIsSet() {
    WorkerConfig config = new WorkerConfig(Map.of());

    assertEquals(8, config.getInt(WorkerConfig.BATCH_MAX_FRAMES));
    assertEquals(true, config.getBoolean(WorkerConfig.EXACTLY_ONCE));
    assertEquals(WorkerConfig.ErrorPolicy.DEAD_LETTER, config.errorPolicy());
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({
    // below the range
    "batch.max.frames, 0",
    // not a number
    "batch.linger.ms, soon",
    // not one of the policies
    "error.policy, RETRY",
    // not a provider ONNX Runtime has
    "execution.provider, GPU",
    // a typo of batch.max.frames must not pass silently
    "batch.max.frame, 4",
    // neither wire format
    "serde.format, confluent",
  })
  void shouldNameTheKeyWhenAValueIsInvalid(String key, String value) {
    ConfigException e = assertThrows(ConfigException.class,
        () -> new WorkerConfig(Map.of(key, value)));

    assertTrue(e.getMessage().contains(key), e.getMessage());
  }

  @Test
  void shouldNameBothKeysWhenInflightIsBelowBatchSize() {
    ConfigException e = assertThrows(ConfigException.class, () -> new WorkerConfig(
        Map.of(WorkerConfig.BATCH_MAX_FRAMES, "16", WorkerConfig.INFLIGHT_MAX_FRAMES, "8")));

    assertTrue(e.getMessage().contains(WorkerConfig.BATCH_MAX_FRAMES), e.getMessage());
    assertTrue(e.getMessage().contains(WorkerConfig.INFLIGHT_MAX_FRAMES), e.getMessage());
  }

  @Test
  void shouldPassClientSettingsThroughWhenPrefixed() {
    WorkerConfig config = new WorkerConfig(Map.of("consumer.session.timeout.ms", "6000"));

    assertEquals("6000", config.originalsWithPrefix("consumer.").get("session.timeout.ms"));
  }

  @Test
  void shouldStopStartUpNamingTheUrlKeyWhenTheRegistryFormatHasNoRegistry() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> new WorkerConfig(Map.of("serde.format", "registry")));

    assertTrue(e.getMessage().contains("schema.registry.url"), e.getMessage());
  }

  @Test
  void shouldPassRegistryClientSettingsThroughWithoutThePrefix() {
    WorkerConfig config = new WorkerConfig(Map.of("serde.format", "registry",
        "schema.registry.url", "https://registry.example:8443/",
        "schema.registry.apicurio.auth.username", "line-7"));

    assertEquals(io.clipline.schemas.serde.SerdeFormat.REGISTRY,
        config.serdeSettings().format());
    assertEquals("https://registry.example:8443", config.serdeSettings().registryUrl().get());
    assertEquals(Map.of("apicurio.auth.username", "line-7"),
        config.serdeSettings().clientSettings());
  }

  @Test
  void shouldHandTheScoringEngineItsPositionalWeight() {
    assertEquals(
        ScoringConfig.defaults(), ModelFrameScorer.scoring(new WorkerConfig(Map.of())),
        "without the setting the engine runs on its defaults");
    WorkerConfig loose = new WorkerConfig(Map.of(WorkerConfig.SCORING_POSITIONAL_WEIGHT, "0"));
    assertEquals(
        ScoringConfig.defaults().toBuilder().positionalWeight(0).build(),
        ModelFrameScorer.scoring(loose));
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> new WorkerConfig(Map.of(WorkerConfig.SCORING_POSITIONAL_WEIGHT, "1.5")));
    assertTrue(e.getMessage().contains(WorkerConfig.SCORING_POSITIONAL_WEIGHT), e.getMessage());
  }

  @Test
  void shouldRefuseANegativeScoringThreadCountNamingTheKey() {
    assertEquals(0, new WorkerConfig(Map.of()).getInt(WorkerConfig.SCORING_THREADS),
        "0: one per core");
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> new WorkerConfig(Map.of(WorkerConfig.SCORING_THREADS, "-1")));
    assertTrue(e.getMessage().contains(WorkerConfig.SCORING_THREADS), e.getMessage());
  }

  @Test
  void shouldMatchTheReadmeTableWhenSettingsChange() throws IOException {
    Path readme = Path.of("..", "README.md");
    String text = Files.readString(readme);
    String start = "<!-- worker-config:start -->\n";
    String end = "<!-- worker-config:end -->";
    int from = text.indexOf(start);
    int to = text.indexOf(end);
    assertTrue(from >= 0 && to > from, "README.md lacks the worker-config markers");

    assertEquals(WorkerConfig.markdownTable(), text.substring(from + start.length(), to),
        "README's worker configuration table is out of date; paste WorkerConfig.markdownTable()");
  }
}
