package io.clipline.console;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.clipline.schemas.LabelAction;
import io.clipline.schemas.OperatorLabel;
import io.clipline.schemas.Verdict;
import io.clipline.schemas.serde.SerdeSettings;
import io.clipline.schemas.topic.TopicCatalog;
import io.clipline.testkit.KafkaCluster;
import io.clipline.testkit.KafkaClusterTest;
import io.clipline.testkit.RegistryServerExtension;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The console with {@code serde.format=registry} on the real broker and a real schema registry
 * (skipped with a message when {@code mvn -Pregistry} did not build it): it shows a registry
 * frame with its verdict and region, serves its image, and writes the operator's label in the
 * registry format.
 */
class ConsoleRegistryFormatIntegrationTest {
  @RegisterExtension
  static final RegistryServerExtension REGISTRY = new RegistryServerExtension();

  @KafkaClusterTest
  void shouldShowRegistryFramesAndWriteRegistryLabels(KafkaCluster cluster) throws Exception {
    Map<String, String> topics = ConsoleFixtures.topics(cluster, "console-registry");
    SerdeSettings serdes = SerdeSettings.registry(REGISTRY.url(), Map.of());
    try (OperatorConsole console = OperatorConsole.start(ConsoleFixtures.config(cluster, topics,
            Map.of(SerdeSettings.FORMAT, "registry", SerdeSettings.REGISTRY_URL, REGISTRY.url())));
        KafkaProducer<byte[], byte[]> producer = ConsoleFixtures.producer(cluster)) {
      ConsoleFixtures.publishFrame(producer, topics, "f-reg", Verdict.NG, serdes);

      JsonNode card = OperatorConsoleIntegrationTest.awaitSnapshot(console,
          s -> s.path("cards").size() == 1
              && s.path("cards").get(0).path("regions").size() == 1).path("cards").get(0);
      HttpResponse<byte[]> image = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          console.uri().resolve(card.path("image").asText())).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      HttpResponse<String> posted = OperatorConsoleIntegrationTest.postLabel(console,
          "{\"labelId\":\"click-r\",\"frameId\":\"f-reg\",\"kind\":\"OVERRIDE_OK\"}", Map.of());
      String labelsTopic = topics.get(TopicCatalog.LABELS.name());
      List<ConsumerRecord<byte[], byte[]>> labels =
          OperatorConsoleIntegrationTest.readAll(cluster, labelsTopic);

      assertEquals("NG", card.path("verdict").asText());
      assertEquals(200, image.statusCode());
      assertEquals(200, posted.statusCode(), posted.body());
      assertEquals(1, labels.size());
      assertEquals(0, labels.get(0).value()[0], "magic byte of the registry framing");
      OperatorLabel label = serdes.serdeFor(OperatorLabel.class).deserializer()
          .deserialize(labelsTopic, labels.get(0).value());
      assertEquals(LabelAction.OVERRIDE, label.getAction());
      assertEquals(Verdict.OK, label.getConfirmedVerdict());
    }
  }
}
