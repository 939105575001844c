package io.clipline.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipline.schemas.FrameVerdict;
import io.clipline.schemas.LabelAction;
import io.clipline.schemas.OperatorLabel;
import io.clipline.schemas.Verdict;
import io.clipline.schemas.serde.AvroSerde;
import io.clipline.schemas.topic.TopicCatalog;
import io.clipline.testkit.KafkaCluster;
import io.clipline.testkit.KafkaClusterTest;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The console's server on a real broker, without a browser: it shows an NG verdict with its
 * region and frame image, writes one label per labelId in the frame's partition, and refuses
 * labels without the token or from another site.
 */
class OperatorConsoleIntegrationTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @KafkaClusterTest
  void shouldShowTheFrameAndWriteOneLabelPerLabelIdWhenClickedTwice(KafkaCluster cluster)
      throws Exception {
    Map<String, String> topics = ConsoleFixtures.topics(cluster, "console");
    try (OperatorConsole console = OperatorConsole.start(ConsoleFixtures.config(cluster, topics, Map.of()));
        KafkaProducer<byte[], byte[]> producer = ConsoleFixtures.producer(cluster)) {
      FrameVerdict verdict = ConsoleFixtures.publishFrame(producer, topics, "f-1", Verdict.NG);

      JsonNode card = awaitSnapshot(console, s -> s.path("cards").size() == 1
          && s.path("cards").get(0).path("regions").size() == 1).path("cards").get(0);
      assertEquals("NG", card.path("verdict").asText());
      assertEquals(12, card.path("regions").get(0).path("width").asInt(), card.toString());
      assertEquals(4, card.path("map").path("rows").asInt());
      HttpResponse<byte[]> image = HTTP.send(HttpRequest.newBuilder(
          console.uri().resolve(card.path("image").asText())).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, image.statusCode());
      assertEquals("image/png", image.headers().firstValue("Content-Type").orElse(""));
      BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(image.body()));
      assertEquals(64, decoded.getWidth());
      assertEquals(48, decoded.getHeight());
      assertEquals(200, decoded.getRaster().getSample(10, 10, 0), "the frame's own pixels");

      String label = "{\"labelId\":\"click-1\",\"frameId\":\"f-1\",\"kind\":\"OVERRIDE_OK\"}";
      HttpResponse<String> first = postLabel(console, label, Map.of());
      HttpResponse<String> second = postLabel(console, label, Map.of());

      assertEquals(200, first.statusCode(), first.body());
      assertEquals(200, second.statusCode(), second.body());
      assertTrue(JSON.readTree(second.body()).path("duplicate").asBoolean(), second.body());
      List<ConsumerRecord<byte[], byte[]>> labels =
          readAll(cluster, topics.get(TopicCatalog.LABELS.name()));
      assertEquals(1, labels.size(), "labels written for two posts of one labelId");
      OperatorLabel written = AvroSerde.of(OperatorLabel.class).decode(labels.get(0).value());
      assertEquals(LabelAction.OVERRIDE, written.getAction());
      assertEquals(Verdict.OK, written.getConfirmedVerdict());
      assertEquals(Verdict.NG, written.getModelVerdict());
      assertEquals(ConsoleFixtures.CAMERA, written.getCameraId());
      assertEquals(verdict.getFramePosition().getPartition(), labels.get(0).partition(),
          "the label goes to the partition numbered like the frame's");
      assertTrue(awaitSnapshot(console, s -> s.path("cards").get(0).path("labels").size() == 1)
          .path("cards").get(0).path("labels").get(0).asText().contains("OVERRIDE OK"));
    }
  }

  @KafkaClusterTest
  void shouldRefuseLabelsWithoutTheTokenOrFromAnotherSite(KafkaCluster cluster)
      throws Exception {
    Map<String, String> topics = ConsoleFixtures.topics(cluster, "console-token");
    try (OperatorConsole console = OperatorConsole.start(
            ConsoleFixtures.config(cluster, topics, Map.of(ConsoleConfig.LABEL_TOKEN, "s3cret")));
        KafkaProducer<byte[], byte[]> producer = ConsoleFixtures.producer(cluster)) {
      ConsoleFixtures.publishFrame(producer, topics, "f-2", Verdict.NG);
      awaitSnapshot(console, s -> s.path("cards").size() == 1);
      String label = "{\"labelId\":\"click-2\",\"frameId\":\"f-2\",\"kind\":\"CONFIRM_NG\"}";

      assertEquals(401, postLabel(console, label, Map.of()).statusCode());
      assertEquals(401, postLabel(console, label, Map.of("X-Clipline-Token", "guess")).statusCode());
      assertEquals(403, postLabel(console, label, Map.of("X-Clipline-Token", "s3cret",
          "Origin", "http://evil.example")).statusCode());
      HttpResponse<String> ok = postLabel(console, label, Map.of("X-Clipline-Token", "s3cret"));
      assertEquals(200, ok.statusCode(), ok.body());
      assertEquals(1, readAll(cluster, topics.get(TopicCatalog.LABELS.name())).size());
    }
  }

  static JsonNode awaitSnapshot(OperatorConsole console, Predicate<JsonNode> until)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(
          console.uri().resolve("api/snapshot")).build(), HttpResponse.BodyHandlers.ofString());
      last = JSON.readTree(res.body());
      if (until.test(last)) {
        return last;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the console's snapshot did not get there: " + last);
  }

  static HttpResponse<String> postLabel(OperatorConsole console, String body,
      Map<String, String> headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(console.uri().resolve("api/labels"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(request::header);
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Every record of {@code topic}, read until two seconds pass without one. */
  static List<ConsumerRecord<byte[], byte[]>> readAll(KafkaCluster cluster, String topic) {
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long quietSince = System.nanoTime();
      while (System.nanoTime() - quietSince < Duration.ofSeconds(2).toNanos()) {
        var records = consumer.poll(Duration.ofMillis(200));
        if (!records.isEmpty()) {
          records.forEach(out::add);
          quietSince = System.nanoTime();
        }
      }
    }
    return out;
  }
}
