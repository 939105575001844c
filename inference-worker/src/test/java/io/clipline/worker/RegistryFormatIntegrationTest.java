package io.clipline.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipline.schemas.CameraFrame;
import io.clipline.schemas.DeadLetter;
import io.clipline.schemas.FrameVerdict;
import io.clipline.schemas.evolution.SchemaHistory;
import io.clipline.schemas.serde.SchemaRegistration;
import io.clipline.schemas.serde.SchemaRegistryException;
import io.clipline.schemas.serde.SerdeSettings;
import io.clipline.schemas.topic.TopicCatalog;
import io.clipline.schemas.topic.TopicSpec;
import io.clipline.testkit.KafkaCluster;
import io.clipline.testkit.KafkaClusterTest;
import io.clipline.testkit.RegistryServerExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.RandomData;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The schema-registry wire format on the real broker and a real schema registry (Apicurio
 * Registry, forked once for the class; skipped with a message when {@code mvn -Pregistry} did
 * not build it): every topic's values round-trip, schemas land under {@code <topic>-value} with
 * BACKWARD compatibility, a compatible change registers, an incompatible one is refused by the
 * registry and stops the producer naming the subject, and the worker reads registry frames,
 * writes registry verdicts and dead-letters single-object frames with the reason.
 */
class RegistryFormatIntegrationTest {
  @RegisterExtension
  static final RegistryServerExtension REGISTRY = new RegistryServerExtension();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static SerdeSettings settings() {
    return SerdeSettings.registry(REGISTRY.url(), Map.of());
  }

  @KafkaClusterTest
  void shouldRoundTripEveryTopicThroughBrokerAndRegistryInTheConfluentFraming(KafkaCluster cluster)
      throws Exception {
    Map<String, String> topics = cluster.createIsolatedTopics("registry-all", TopicCatalog.all());
    try (KafkaProducer<byte[], byte[]> producer = TopicReader.producer(cluster.bootstrapServers())) {
      for (TopicSpec spec : TopicCatalog.all()) {
        String topic = topics.get(spec.name());
        SchemaRegistration.register(settings(), Map.of(topic, spec.valueType()));
        List<SpecificRecord> sent = randomRecords(spec.valueType(), 3, spec.name().hashCode());
        Serde<SpecificRecord> serde = serde(spec.valueType());
        List<byte[]> values = new ArrayList<>();
        for (SpecificRecord record : sent) {
          byte[] value = serde.serializer().serialize(topic, record);
          values.add(value);
          TopicReader.send(producer, topic, "k", value);
        }
        List<SpecificRecord> read = TopicReader.read(cluster.bootstrapServers(), topic, 3,
            Duration.ofSeconds(30), Duration.ZERO, v -> serde.deserializer().deserialize(topic, v));

        assertEquals(sent, read, spec.name());
        String subject = topic + "-value";
        for (byte[] value : values) {
          assertEquals(0, value[0], "magic byte of " + spec.name());
          int id = ByteBuffer.wrap(value, 1, 4).getInt();
          JsonNode byId = get("/apis/ccompat/v7/schemas/ids/" + id);
          assertEquals(SpecificData.get().getSchema(spec.valueType()),
              new Schema.Parser().parse(byId.get("schema").asText()), "schema id " + id);
        }
        assertEquals("BACKWARD", get("/apis/ccompat/v7/config/" + subject)
            .get("compatibilityLevel").asText(), subject);
        assertEquals(1, get("/apis/ccompat/v7/subjects/" + subject + "/versions").size(), subject);
      }
    }
  }

  @KafkaClusterTest
  void shouldRegisterACompatibleChangeAndRefuseAnIncompatibleOneNamingTheSubject(
      KafkaCluster cluster) throws Exception {
    Map<String, String> topics = cluster.createIsolatedTopics("registry-evolve",
        List.of(TopicCatalog.VERDICTS, TopicCatalog.DEFECTS));
    String evolving = topics.get(TopicCatalog.VERDICTS.name());
    String refusing = topics.get(TopicCatalog.DEFECTS.name());
    // An older release wrote FrameVerdict v1 under BACKWARD; this release's schema reads it.
    Schema v1 = SchemaHistory.releasedVersions("FrameVerdict").get(0);
    post("/apis/ccompat/v7/subjects/" + evolving + "-value/versions", v1);
    put("/apis/ccompat/v7/config/" + evolving + "-value", "{\"compatibility\":\"BACKWARD\"}");
    SchemaRegistration.register(settings(), Map.of(evolving, FrameVerdict.class));
    assertEquals(2, get("/apis/ccompat/v7/subjects/" + evolving + "-value/versions").size(),
        "the compatible change is a second version");

    // A DefectEvent this release cannot read: none of its required fields.
    Schema alien = Schema.createRecord("DefectEvent", null, "io.clipline.schemas", false,
        List.of(new Schema.Field("legacyCode", Schema.create(Schema.Type.INT))));
    post("/apis/ccompat/v7/subjects/" + refusing + "-value/versions", alien);
    put("/apis/ccompat/v7/config/" + refusing + "-value", "{\"compatibility\":\"BACKWARD\"}");

    SchemaRegistryException refused = assertThrows(SchemaRegistryException.class,
        () -> SchemaRegistration.register(settings(), Map.of(refusing,
            io.clipline.schemas.DefectEvent.class)));
    assertTrue(refused.getMessage().contains(refusing + "-value"), refused.getMessage());
    assertEquals(1, get("/apis/ccompat/v7/subjects/" + refusing + "-value/versions").size());

    Map<String, Object> props = WorkerIntegrationTest.workerProps(cluster,
        WorkerIntegrationTest.topics(cluster, "registry-refused"), "w-refused");
    props.put(WorkerConfig.DEFECTS_TOPIC, refusing);
    props.put(SerdeSettings.FORMAT, "registry");
    props.put(SerdeSettings.REGISTRY_URL, REGISTRY.url());
    try (InferenceWorker worker = new InferenceWorker(new WorkerConfig(props),
        new BrightnessScorer(), new WorkerListener() {})) {
      SchemaRegistryException stopped = assertThrows(SchemaRegistryException.class, worker::start);
      assertTrue(stopped.getMessage().contains(refusing + "-value"), stopped.getMessage());
    }
  }

  @KafkaClusterTest
  void shouldScoreRegistryFramesAndDeadLetterSingleObjectFramesSayingWhy(KafkaCluster cluster)
      throws Exception {
    Map<String, String> topics = WorkerIntegrationTest.topics(cluster, "registry-worker");
    String frames = topics.get(TopicCatalog.FRAMES.name());
    Serde<CameraFrame> frameSerde = settings().serdeFor(CameraFrame.class);
    SchemaRegistration.register(settings(), Map.of(frames, CameraFrame.class));
    try (KafkaProducer<byte[], byte[]> producer = TopicReader.producer(cluster.bootstrapServers())) {
      for (int i = 0; i < 6; i++) {
        CameraFrame frame = TestFrames.jpeg("reg-" + i, 0, i, i < 3 ? 80 : 230);
        TopicReader.send(producer, frames, frame.getCameraId(),
            frameSerde.serializer().serialize(frames, frame));
      }
      CameraFrame old = TestFrames.jpeg("single-object", 0, 6, 80);
      TopicReader.send(producer, frames, old.getCameraId(), TestFrames.SERDE.encode(old));
    }
    Map<String, Object> props = WorkerIntegrationTest.workerProps(cluster, topics, "w-registry");
    props.put(SerdeSettings.FORMAT, "registry");
    props.put(SerdeSettings.REGISTRY_URL, REGISTRY.url());
    Serde<FrameVerdict> verdictSerde = settings().serdeFor(FrameVerdict.class);
    Serde<DeadLetter> letterSerde = settings().serdeFor(DeadLetter.class);
    String verdicts = topics.get(TopicCatalog.VERDICTS.name());
    String dlq = topics.get(TopicCatalog.FRAMES_DLQ.name());
    try (InferenceWorker worker = new InferenceWorker(new WorkerConfig(props),
        new BrightnessScorer(), new WorkerListener() {})) {
      worker.start();
      List<FrameVerdict> judged = TopicReader.read(cluster.bootstrapServers(), verdicts, 6,
          Duration.ofSeconds(60), Duration.ofSeconds(1),
          v -> verdictSerde.deserializer().deserialize(verdicts, v));
      List<DeadLetter> letters = TopicReader.read(cluster.bootstrapServers(), dlq, 1,
          Duration.ofSeconds(30), Duration.ofSeconds(1),
          v -> letterSerde.deserializer().deserialize(dlq, v));

      assertEquals(6, judged.size());
      assertEquals(3, judged.stream().filter(v -> v.getVerdict().name().equals("NG")).count());
      assertEquals(1, letters.size());
      DeadLetter letter = letters.get(0);
      assertEquals("schema.wrong_format", letter.getReasonCode());
      assertTrue(letter.getReason().contains("single-object"), letter.getReason());
      assertTrue(letter.getReason().contains("serde.format=single-object"), letter.getReason());
    }
    for (String subject : List.of(frames, verdicts, dlq, topics.get(TopicCatalog.DEFECTS.name()))) {
      assertEquals("BACKWARD", get("/apis/ccompat/v7/config/" + subject + "-value")
          .get("compatibilityLevel").asText(), subject);
    }
  }

  @SuppressWarnings("unchecked")
  private static Serde<SpecificRecord> serde(Class<? extends SpecificRecord> type) {
    return (Serde<SpecificRecord>) settings().serdeFor(type);
  }

  /** Random instances of {@code type}, every field filled, through Avro's own binary form. */
  private static List<SpecificRecord> randomRecords(Class<? extends SpecificRecord> type, int n,
      long seed) throws IOException {
    Schema schema = SpecificData.get().getSchema(type);
    List<SpecificRecord> records = new ArrayList<>();
    Iterator<Object> random = new RandomData(schema, n, seed).iterator();
    while (random.hasNext()) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
      new GenericDatumWriter<Object>(schema).write(random.next(), encoder);
      encoder.flush();
      records.add(new SpecificDatumReader<SpecificRecord>(schema)
          .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null)));
    }
    return records;
  }

  private static JsonNode get(String path) throws IOException, InterruptedException {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
        URI.create(REGISTRY.url() + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), path + ": " + response.body());
    return JSON.readTree(response.body());
  }

  private static void post(String path, Schema schema) throws IOException, InterruptedException {
    send(HttpRequest.newBuilder(URI.create(REGISTRY.url() + path)).POST(
        HttpRequest.BodyPublishers.ofString(JSON.createObjectNode()
            .put("schema", schema.toString()).toString())), path);
  }

  private static void put(String path, String body) throws IOException, InterruptedException {
    send(HttpRequest.newBuilder(URI.create(REGISTRY.url() + path))
        .PUT(HttpRequest.BodyPublishers.ofString(body)), path);
  }

  private static void send(HttpRequest.Builder request, String path)
      throws IOException, InterruptedException {
    HttpResponse<String> response = HTTP.send(request
        .header("Content-Type", "application/vnd.schemaregistry.v1+json").build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), path + ": " + response.body());
  }
}
