package io.clipline.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clipline.schemas.DeadLetter;
import io.clipline.schemas.FrameVerdict;
import io.clipline.schemas.ItemVerdict;
import io.clipline.schemas.RejectCommand;
import io.clipline.schemas.serde.AvroSerde;
import io.clipline.schemas.serde.SerdeSettings;
import io.clipline.schemas.topic.TopicCatalog;
import io.clipline.testkit.KafkaCluster;
import io.clipline.testkit.KafkaClusterTest;
import io.clipline.testkit.RegistryServerExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline with {@code serde.format=registry} on the real broker and a real schema registry
 * (skipped with a message when {@code mvn -Pregistry} did not build it): it reads registry
 * verdicts, writes registry items and reject commands, and dead-letters a single-object verdict
 * with reason {@code schema.wrong_format}, the dead letter itself in the registry format.
 */
class PipelineRegistryFormatIntegrationTest {
  @RegisterExtension
  static final RegistryServerExtension REGISTRY = new RegistryServerExtension();

  @TempDir
  Path stateDir;

  @KafkaClusterTest
  void shouldFuseRegistryVerdictsIntoRegistryItemsAndDeadLetterSingleObjectOnes(
      KafkaCluster cluster) throws Exception {
    Map<String, String> topics = PipelineIntegrationTest.topics(cluster, "pipeline-registry");
    SerdeSettings settings = SerdeSettings.registry(REGISTRY.url(), Map.of());
    String verdictTopic = topics.get(TopicCatalog.VERDICTS.name());
    Serde<FrameVerdict> verdicts = settings.serdeFor(FrameVerdict.class);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int item = 0; item < 4; item++) {
        for (int camera = 1; camera <= 3; camera++) {
          FrameVerdict v = PipelineIntegrationTest.view(item, camera);
          PipelineIntegrationTest.send(producer, verdictTopic, v.getCameraId(),
              verdicts.serializer().serialize(verdictTopic, v));
        }
      }
      FrameVerdict old = PipelineIntegrationTest.view(9, 1);
      PipelineIntegrationTest.send(producer, verdictTopic, old.getCameraId(),
          AvroSerde.of(FrameVerdict.class).encode(old));
    }
    Map<String, Object> props = PipelineIntegrationTest.props(cluster, topics,
        "pipeline-registry-" + UUID.randomUUID(), stateDir);
    props.put(SerdeSettings.FORMAT, "registry");
    props.put(SerdeSettings.REGISTRY_URL, REGISTRY.url());
    String itemTopic = topics.get(TopicCatalog.ITEMS.name());
    String rejectTopic = topics.get(TopicCatalog.REJECTS.name());
    String dlq = topics.get(TopicCatalog.FRAMES_DLQ.name());
    Serde<ItemVerdict> items = settings.serdeFor(ItemVerdict.class);
    Serde<RejectCommand> rejects = settings.serdeFor(RejectCommand.class);
    Serde<DeadLetter> letters = settings.serdeFor(DeadLetter.class);
    try (PipelineApp app = new PipelineApp(new PipelineConfig(props), PipelineIntegrationTest.LINE,
        new SimpleMeterRegistry())) {
      app.start();
      List<ItemVerdict> decided = PipelineIntegrationTest.read(cluster, itemTopic, 4,
          Duration.ofSeconds(90), Duration.ZERO, v -> items.deserializer().deserialize(itemTopic, v));
      List<RejectCommand> commands = PipelineIntegrationTest.read(cluster, rejectTopic, 1,
          Duration.ofSeconds(30), Duration.ZERO,
          v -> rejects.deserializer().deserialize(rejectTopic, v));
      List<DeadLetter> dead = PipelineIntegrationTest.read(cluster, dlq, 1,
          Duration.ofSeconds(30), Duration.ZERO, v -> letters.deserializer().deserialize(dlq, v));

      assertEquals(4, decided.size());
      assertEquals(List.of("item-0"), commands.stream().map(RejectCommand::getItemId).toList());
      assertEquals(1, dead.size());
      assertEquals("schema.wrong_format", dead.get(0).getReasonCode());
      assertTrue(dead.get(0).getReason().contains("single-object"), dead.get(0).getReason());
    }
  }
}
