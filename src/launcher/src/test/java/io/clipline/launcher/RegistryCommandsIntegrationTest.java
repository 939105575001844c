package io.clipline.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clipline.schemas.CameraFrame;
import io.clipline.schemas.FrameVerdict;
import io.clipline.schemas.Verdict;
import io.clipline.schemas.serde.AvroSerde;
import io.clipline.schemas.serde.SerdeSettings;
import io.clipline.schemas.topic.TopicCatalog;
import io.clipline.testkit.KafkaCluster;
import io.clipline.testkit.KafkaClusterTest;
import io.clipline.testkit.RegistryServerExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code camera-sim} and {@code tail} with the schema-registry wire format, on the real broker
 * and a real schema registry (skipped with a message when {@code mvn -Pregistry} did not build
 * it): the simulator writes registry frames, {@code tail} reads them and a topic holding both
 * formats, {@code audit} checks a run written in the registry format, and a client-settings file
 * without the prefix is refused naming the option.
 */
class RegistryCommandsIntegrationTest {
  @RegisterExtension
  static final RegistryServerExtension REGISTRY = new RegistryServerExtension();

  @TempDir
  Path dir;

  @KafkaClusterTest
  void shouldSimulateRegistryFramesAndTailThem(KafkaCluster cluster) {
    String frames = cluster.createIsolatedTopics("registry-sim", List.of(TopicCatalog.FRAMES))
        .get(TopicCatalog.FRAMES.name());

    CommandRun sim = CommandRun.of("camera-sim", "--bootstrap-servers",
        cluster.bootstrapServers(), "--topic", frames, "--frames", "6", "--fps", "200",
        "--width", "32", "--height", "32", "--serde-format", "registry",
        "--schema-registry-url", REGISTRY.url());
    List<JsonNode> tailed = TailCommandIntegrationTest.jsonLines(TailCommandIntegrationTest.tail(
        cluster, frames, "--schema-registry-url", REGISTRY.url()));
    List<JsonNode> withoutRegistry = TailCommandIntegrationTest.jsonLines(
        TailCommandIntegrationTest.tail(cluster, frames));

    assertEquals(0, sim.exitCode(), sim.err());
    assertEquals(6, tailed.size(), tailed.toString());
    for (JsonNode line : tailed) {
      assertTrue(line.at("/value/frameId").asText().length() > 0, line.toString());
      assertTrue(line.at("/value/image/bytes").asInt() > 0, line.toString());
    }
    assertEquals(6, withoutRegistry.size());
    assertTrue(withoutRegistry.get(0).get("error").asText().contains("--schema-registry-url"),
        withoutRegistry.get(0).toString());
  }

  @KafkaClusterTest
  void shouldTailATopicHoldingBothFormats(KafkaCluster cluster) throws Exception {
    String verdicts = cluster.createIsolatedTopics("registry-mixed",
        List.of(TopicCatalog.VERDICTS)).get(TopicCatalog.VERDICTS.name());
    FrameVerdict viaRegistry =
        TailCommandIntegrationTest.verdict("f-registry", "l/s/c", Verdict.NG, "i-1");
    FrameVerdict singleObject =
        TailCommandIntegrationTest.verdict("f-single", "l/s/c", Verdict.OK, "i-2");
    try (KafkaProducer<byte[], byte[]> producer =
        TailCommandIntegrationTest.producer(cluster, null)) {
      TailCommandIntegrationTest.send(producer, verdicts, "l/s/c",
          SerdeSettings.registry(REGISTRY.url(), Map.of()).serdeFor(FrameVerdict.class)
              .serializer().serialize(verdicts, viaRegistry));
      TailCommandIntegrationTest.send(producer, verdicts, "l/s/c",
          AvroSerde.of(FrameVerdict.class).encode(singleObject));
    }
    Path config = dir.resolve("registry.properties");
    Files.writeString(config, "schema.registry.apicurio.registry.request.headers.X-Line=7\n");

    List<JsonNode> lines = TailCommandIntegrationTest.jsonLines(TailCommandIntegrationTest.tail(
        cluster, verdicts, "--schema-registry-url", REGISTRY.url(),
        "--schema-registry-config", config.toString()));

    assertEquals(List.of("f-registry", "f-single"),
        lines.stream().map(n -> n.at("/value/frameId").asText()).toList());
    assertEquals("NG", lines.get(0).at("/value/verdict").asText());
  }

  @KafkaClusterTest
  void shouldAuditARunWrittenInTheRegistryFormat(KafkaCluster cluster) throws Exception {
    Map<String, String> topics = cluster.createIsolatedTopics("registry-audit",
        List.of(TopicCatalog.FRAMES, TopicCatalog.VERDICTS, TopicCatalog.FRAMES_DLQ));
    String frames = topics.get(TopicCatalog.FRAMES.name());
    String verdicts = topics.get(TopicCatalog.VERDICTS.name());
    SerdeSettings serdes = SerdeSettings.registry(REGISTRY.url(), Map.of());
    try (KafkaProducer<byte[], byte[]> producer = AuditCommandIntegrationTest.producer(cluster)) {
      for (int i = 0; i < 3; i++) {
        AuditCommandIntegrationTest.send(producer, frames, serdes.serdeFor(CameraFrame.class)
            .serializer().serialize(frames, AuditCommandIntegrationTest.frame(i)));
        AuditCommandIntegrationTest.send(producer, verdicts, serdes.serdeFor(FrameVerdict.class)
            .serializer().serialize(verdicts, AuditCommandIntegrationTest.verdict("f-" + i, i)));
      }
    }

    CommandRun audit = CommandRun.of("audit", "--bootstrap-servers", cluster.bootstrapServers(),
        "--frames-topic", frames, "--verdicts-topic", verdicts, "--dlq-topic",
        topics.get(TopicCatalog.FRAMES_DLQ.name()), "--timeout-s", "30",
        "--schema-registry-url", REGISTRY.url());

    assertEquals(0, audit.exitCode(), audit.out() + audit.err());
    assertTrue(audit.out().contains("frames 3, verdicts 3, dead letters 0"), audit.out());
    assertTrue(audit.out().contains("exactly once: holds"), audit.out());
  }

  @KafkaClusterTest
  void shouldRefuseAClientSettingsFileKeyWithoutThePrefix(KafkaCluster cluster) throws Exception {
    Path config = dir.resolve("bad.properties");
    Files.writeString(config, "apicurio.auth.username=line-7\n");

    CommandRun run = TailCommandIntegrationTest.tail(cluster, TopicCatalog.VERDICTS.name(),
        "--schema-registry-url", REGISTRY.url(), "--schema-registry-config", config.toString());

    assertEquals(2, run.exitCode(), run.err());
    assertTrue(run.err().contains("--schema-registry-config")
        && run.err().contains("apicurio.auth.username"), run.err());
  }
}
