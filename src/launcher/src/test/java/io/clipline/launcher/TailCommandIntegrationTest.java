package io.clipline.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipline.schemas.CameraFrame;
import io.clipline.schemas.DeadLetter;
import io.clipline.schemas.DeadLetterStage;
import io.clipline.schemas.FrameVerdict;
import io.clipline.schemas.RejectCommand;
import io.clipline.schemas.RejectReason;
import io.clipline.schemas.StageLatencies;
import io.clipline.schemas.Verdict;
import io.clipline.schemas.serde.AvroSerde;
import io.clipline.schemas.topic.TopicCatalog;
import io.clipline.testkit.KafkaCluster;
import io.clipline.testkit.KafkaClusterTest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** {@code clipline tail} on a real broker: verdicts, reject commands, frames and dead letters. */
class TailCommandIntegrationTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AvroSerde<CameraFrame> FRAMES = AvroSerde.of(CameraFrame.class);
  private static final AvroSerde<FrameVerdict> VERDICTS = AvroSerde.of(FrameVerdict.class);
  private static final AvroSerde<RejectCommand> REJECTS = AvroSerde.of(RejectCommand.class);
  private static final AvroSerde<DeadLetter> LETTERS = AvroSerde.of(DeadLetter.class);
  private static final String CAM_0 = "line-1/station-1/cam-0";
  private static final String CAM_1 = "line-1/station-1/cam-1";

  @KafkaClusterTest
  void shouldPrintEachCommittedVerdictAsOneJsonObjectAndFilterThem(KafkaCluster cluster)
      throws Exception {
    String verdicts = cluster.createIsolatedTopics("tail-verdicts",
        List.of(TopicCatalog.VERDICTS)).get(TopicCatalog.VERDICTS.name());
    try (KafkaProducer<byte[], byte[]> producer = producer(cluster, null)) {
      send(producer, verdicts, CAM_0, VERDICTS.encode(verdict("f-0", CAM_0, Verdict.OK, "i-0")));
      send(producer, verdicts, CAM_1, VERDICTS.encode(verdict("f-1", CAM_1, Verdict.NG, "i-0")));
      send(producer, verdicts, CAM_0, VERDICTS.encode(verdict("f-2", CAM_0, Verdict.NG, "i-1")));
    }
    try (KafkaProducer<byte[], byte[]> aborted = producer(cluster, "tail-" + UUID.randomUUID())) {
      aborted.initTransactions();
      aborted.beginTransaction();
      send(aborted, verdicts, CAM_0, VERDICTS.encode(verdict("aborted", CAM_0, Verdict.NG, "i-9")));
      aborted.abortTransaction();
    }

    List<JsonNode> all = jsonLines(tail(cluster, verdicts));
    List<JsonNode> ng = jsonLines(tail(cluster, verdicts, "--verdict", "ng"));
    List<JsonNode> cam0Ng = jsonLines(tail(cluster, verdicts, "--verdict", "NG", "--camera", CAM_0));
    List<JsonNode> item0 = jsonLines(tail(cluster, verdicts, "--item", "i-0", "--line", "line-1"));
    List<JsonNode> otherLine = jsonLines(tail(cluster, verdicts, "--line", "line-2"));

    assertEquals(List.of("f-0", "f-1", "f-2"), frameIds(all)); // the aborted one is not shown
    JsonNode first = all.stream().filter(n -> n.at("/value/frameId").asText().equals("f-0"))
        .findFirst().orElseThrow();
    assertEquals(verdicts, first.get("topic").asText());
    assertEquals(CAM_0, first.get("key").asText());
    assertEquals("OK", first.at("/value/verdict").asText());
    assertEquals("1970-01-01T00:00:01Z", first.at("/value/captureTime").asText());
    assertEquals(0.25, first.at("/value/imageScore").asDouble(), 1e-6);
    assertTrue(first.at("/value/topDefectType").isNull(), first.toString());
    assertEquals(List.of("f-1", "f-2"), frameIds(ng));
    assertEquals(List.of("f-2"), frameIds(cam0Ng));
    assertEquals(List.of("f-0", "f-1"), frameIds(item0));
    assertEquals(List.of(), frameIds(otherLine));
  }

  @KafkaClusterTest
  void shouldShowRejectCommandsFramesByImageSizeAndUndecodableDeadLetters(KafkaCluster cluster)
      throws Exception {
    Map<String, String> topics = cluster.createIsolatedTopics("tail-others",
        List.of(TopicCatalog.REJECTS, TopicCatalog.FRAMES, TopicCatalog.FRAMES_DLQ));
    String rejects = topics.get(TopicCatalog.REJECTS.name());
    String frames = topics.get(TopicCatalog.FRAMES.name());
    String dlq = topics.get(TopicCatalog.FRAMES_DLQ.name());
    try (KafkaProducer<byte[], byte[]> producer = producer(cluster, null)) {
      send(producer, rejects, "line-1/gate-station-1", REJECTS.encode(reject("i-7")));
      send(producer, frames, CAM_0, FRAMES.encode(frame(new byte[12_345])));
      send(producer, dlq, CAM_0, LETTERS.encode(letter()));
      send(producer, dlq, CAM_0, "{\"not\": \"avro\"}".getBytes(StandardCharsets.UTF_8));
    }

    JsonNode reject = single(jsonLines(tail(cluster, rejects)));
    JsonNode frame = single(jsonLines(tail(cluster, frames)));
    List<JsonNode> letters = jsonLines(tail(cluster, dlq));
    String table = tail(cluster, rejects, "--format", "table").out();

    assertEquals("i-7", reject.at("/value/itemId").asText());
    assertEquals("gate-station-1", reject.at("/value/gateId").asText());
    assertEquals("NG", reject.at("/value/reason").asText());
    assertEquals("[\"scratch\"]", reject.at("/value/defectTypes").toString());
    assertEquals(12_345, frame.at("/value/image/bytes").asInt(), frame.toString());
    assertTrue(frame.toString().length() < 2_000, "no image bytes printed: " + frame);
    assertEquals(2, letters.size(), letters.toString());
    assertEquals("decode.not_avro", letters.get(0).at("/value/reasonCode").asText());
    assertEquals("DECODE", letters.get(0).at("/value/stage").asText());
    assertEquals(42, letters.get(0).at("/value/originalValue/bytes").asInt());
    assertTrue(letters.get(1).get("error").asText().contains("schema.not_avro"),
        letters.get(1).toString());
    List<String> rows = table.lines().toList();
    assertEquals(2, rows.size(), table);
    assertTrue(rows.get(0).startsWith("partition@offset") && rows.get(0).contains("gateId"), table);
    assertTrue(rows.get(1).contains("gate-station-1") && rows.get(1).contains("i-7")
        && rows.get(1).contains("NG"), table);
  }

  @KafkaClusterTest
  void shouldFollowFromTheEndAndStopAfterMax(KafkaCluster cluster) throws Exception {
    String verdicts = cluster.createIsolatedTopics("tail-follow",
        List.of(TopicCatalog.VERDICTS)).get(TopicCatalog.VERDICTS.name());
    try (KafkaProducer<byte[], byte[]> producer = producer(cluster, null)) {
      send(producer, verdicts, CAM_0, VERDICTS.encode(verdict("before", CAM_0, Verdict.OK, null)));

      CompletableFuture<CommandRun> following = CompletableFuture.supplyAsync(
          () -> tail(cluster, verdicts, "--follow", "--max", "2"));
      for (int i = 0; !following.isDone() && i < 100; i++) {
        send(producer, verdicts, CAM_0, VERDICTS.encode(verdict("new-" + i, CAM_0, Verdict.OK, null)));
        Thread.sleep(200);
      }
      CommandRun run = following.get(30, TimeUnit.SECONDS);

      assertEquals(0, run.exitCode(), run.err());
      List<String> ids = frameIds(jsonLines(run));
      assertEquals(2, ids.size(), run.out());
      assertTrue(ids.stream().allMatch(id -> id.startsWith("new-")), run.out());
    }
  }

  @KafkaClusterTest
  void shouldNameTheTopicWhenItDoesNotExist(KafkaCluster cluster) {
    CommandRun run = tail(cluster, "absent-" + TopicCatalog.VERDICTS.name());

    assertEquals(1, run.exitCode());
    assertTrue(run.err().contains("topic absent-clipline.verdicts.v1 does not exist"), run.err());
  }

  @KafkaClusterTest
  void shouldSayARegistryValueNeedsTheRegistryAddressWhenNoneIsGiven(KafkaCluster cluster)
      throws Exception {
    String verdicts = cluster.createIsolatedTopics("tail-registry-less",
        List.of(TopicCatalog.VERDICTS)).get(TopicCatalog.VERDICTS.name());
    byte[] body = VERDICTS.encode(verdict("f-0", CAM_0, Verdict.OK, "i-0"));
    byte[] framed = new byte[5 + body.length - 10];
    framed[4] = 7; // magic byte 0, schema id 7, then the Avro body
    System.arraycopy(body, 10, framed, 5, body.length - 10);
    try (KafkaProducer<byte[], byte[]> producer = producer(cluster, null)) {
      send(producer, verdicts, CAM_0, framed);
    }

    JsonNode line = single(jsonLines(tail(cluster, verdicts)));

    String error = line.get("error").asText();
    assertTrue(error.contains("schema-registry wire format (schema id 7)"), line.toString());
    assertTrue(error.contains("--schema-registry-url"), line.toString());
  }

  static CommandRun tail(KafkaCluster cluster, String topic, String... options) {
    String[] args = new String[4 + options.length];
    args[0] = "tail";
    args[1] = topic;
    args[2] = "--bootstrap-servers";
    args[3] = cluster.bootstrapServers();
    System.arraycopy(options, 0, args, 4, options.length);
    return CommandRun.of(args);
  }

  static List<JsonNode> jsonLines(CommandRun run) {
    assertEquals(0, run.exitCode(), run.err());
    return run.out().lines().map(line -> {
      try {
        return JSON.readTree(line);
      } catch (Exception e) {
        throw new AssertionError("not one JSON object per line: " + line, e);
      }
    }).toList();
  }

  private static List<String> frameIds(List<JsonNode> lines) {
    return lines.stream().map(n -> n.at("/value/frameId").asText()).sorted().toList();
  }

  private static JsonNode single(List<JsonNode> lines) {
    assertEquals(1, lines.size(), lines.toString());
    return lines.get(0);
  }

  static FrameVerdict verdict(String frameId, String camera, Verdict verdict, String item) {
    return FrameVerdict.newBuilder().setFrameId(frameId).setCameraId(camera).setLineId("line-1")
        .setStationId("station-1").setItemId(item).setSequence(1).setVerdict(verdict)
        .setImageScore(0.25f).setCaptureTime(Instant.ofEpochSecond(1))
        .setLatencies(StageLatencies.newBuilder().build()).setVerdictTime(Instant.now()).build();
  }

  private static RejectCommand reject(String item) {
    Instant now = Instant.now();
    return RejectCommand.newBuilder().setCommandId("c-1").setItemId(item).setLineId("line-1")
        .setGateId("gate-station-1").setReason(RejectReason.NG).setDefectTypes(List.of("scratch"))
        .setDeadline(now.plusSeconds(5)).setCaptureTime(now).setIssuedTime(now).build();
  }

  private static CameraFrame frame(byte[] image) {
    return CameraFrame.newBuilder().setFrameId("f-9").setCameraId(CAM_0).setLineId("line-1")
        .setStationId("station-1").setSequence(9).setCaptureTime(Instant.now())
        .setImage(ByteBuffer.wrap(image)).build();
  }

  private static DeadLetter letter() {
    return DeadLetter.newBuilder().setOriginalTopic("clipline.frames.v1").setOriginalPartition(3)
        .setOriginalOffset(17).setOriginalValue(ByteBuffer.wrap(new byte[42]))
        .setStage(DeadLetterStage.DECODE).setReasonCode("decode.not_avro")
        .setReason("expected the Avro single-object marker").setTime(Instant.now()).build();
  }

  static KafkaProducer<byte[], byte[]> producer(KafkaCluster cluster, String txId) {
    Map<String, Object> props = new java.util.HashMap<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all"));
    if (txId != null) {
      props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, txId);
    }
    return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  static void send(KafkaProducer<byte[], byte[]> producer, String topic, String key,
      byte[] value) throws Exception {
    producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value)).get();
  }
}
