package io.clipline.pipeline;

import static io.clipline.pipeline.TestRecords.verdict;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clipline.schemas.DeadLetter;
import io.clipline.schemas.DeadLetterStage;
import io.clipline.schemas.FrameVerdict;
import io.clipline.schemas.ItemVerdict;
import io.clipline.schemas.RejectCommand;
import io.clipline.schemas.Verdict;
import io.clipline.schemas.serde.AvroSerde;
import io.clipline.schemas.topic.TopicCatalog;
import io.clipline.schemas.topic.TopicSpec;
import io.clipline.testkit.CommittedRecords;
import io.clipline.testkit.KafkaCluster;
import io.clipline.testkit.KafkaClusterTest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline end to end on a real broker with exactly-once on: an instance is closed half-way
 * and a new one with the same application id (and an empty state directory, so its state comes
 * back from the changelogs) takes over.
 */
class PipelineIntegrationTest {
  private static final AvroSerde<FrameVerdict> VERDICTS = AvroSerde.of(FrameVerdict.class);
  /** Ten minutes to the gate: items decided seconds after capture are never late here. */
  static final LineLayout LINE = LineLayoutLoader.parse("""
      {"lines": [{"lineId": "E1", "stations": [{"stationId": "S1", "gateId": "G1",
        "travelTimeMs": 600000, "cameras": [
          {"cameraId": "E1/S1/C1"}, {"cameraId": "E1/S1/C2"}, {"cameraId": "E1/S1/C3"}]}]}]}
      """);
  private static final int ITEMS = 40;

  @TempDir
  Path stateDirs;

  /**
   * The pipeline's topics with at most 3 partitions each: still several tasks per sub-topology,
   * but a start-up of seconds instead of dozens of RocksDB-backed tasks.
   */
  static Map<String, String> topics(KafkaCluster cluster, String prefix) {
    List<TopicSpec> specs = new ArrayList<>();
    for (TopicSpec s : List.of(TopicCatalog.VERDICTS, TopicCatalog.DEFECTS, TopicCatalog.ITEMS,
        TopicCatalog.REJECTS, TopicCatalog.LINE_STATS, TopicCatalog.ALERTS,
        TopicCatalog.FRAMES_DLQ)) {
      specs.add(new TopicSpec(s.name(), Math.min(3, s.partitions()), s.cleanupPolicy(),
          s.retention(), s.maxMessageBytes(), s.keyDescription(), s.valueType(), s.purpose()));
    }
    return cluster.createIsolatedTopics(prefix, specs);
  }

  static Map<String, Object> props(KafkaCluster cluster, Map<String, String> topics,
      String appId, Path stateDir) {
    Map<String, Object> props = new HashMap<>();
    props.put(PipelineConfig.APPLICATION_ID, appId);
    props.put(PipelineConfig.BOOTSTRAP_SERVERS, cluster.bootstrapServers());
    props.put(PipelineConfig.STATE_DIR, stateDir.toString());
    props.put(PipelineConfig.COMMIT_INTERVAL_MS, 100L);
    props.put(PipelineConfig.VERDICTS_TOPIC, topics.get(TopicCatalog.VERDICTS.name()));
    props.put(PipelineConfig.DEFECTS_TOPIC, topics.get(TopicCatalog.DEFECTS.name()));
    props.put(PipelineConfig.ITEMS_TOPIC, topics.get(TopicCatalog.ITEMS.name()));
    props.put(PipelineConfig.REJECTS_TOPIC, topics.get(TopicCatalog.REJECTS.name()));
    props.put(PipelineConfig.LINE_STATS_TOPIC, topics.get(TopicCatalog.LINE_STATS.name()));
    props.put(PipelineConfig.ALERTS_TOPIC, topics.get(TopicCatalog.ALERTS.name()));
    props.put(PipelineConfig.DLQ_TOPIC, topics.get(TopicCatalog.FRAMES_DLQ.name()));
    // Items wait for their third view across the restart instead of timing out.
    props.put(PipelineConfig.FUSION_DEADLINE_MS, 120_000L);
    // A killed instance leaves the group after this long (the broker minimum).
    props.put("streams.consumer.session.timeout.ms", 6_000);
    return props;
  }

  /** Every 4th item is NG on its second camera. */
  static FrameVerdict view(int item, int camera) {
    boolean ng = item % 4 == 0 && camera == 2;
    return verdict("E1/S1/C" + camera, "item-" + item, item * 10L + camera,
        System.currentTimeMillis(), ng ? Verdict.NG : Verdict.OK, ng ? "scratch" : null,
        ng ? 0.9f : 0.1f);
  }

  static void send(KafkaProducer<byte[], byte[]> producer, String topic, String key,
      byte[] value) throws Exception {
    producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value)).get();
  }

  @KafkaClusterTest
  void shouldRejectEachNgItemOnceAndDecideEveryItemOnceWhenRestartedMidway(KafkaCluster cluster)
      throws Exception {
    Map<String, String> topics = topics(cluster, "pipeline-eos");
    String verdictTopic = topics.get(TopicCatalog.VERDICTS.name());
    String appId = "pipeline-it-" + UUID.randomUUID();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer())) {
      // First half: items 0-19 complete, item 20 without its third view, and one malformed record.
      for (int item = 0; item <= ITEMS / 2; item++) {
        for (int camera = 1; camera <= (item == ITEMS / 2 ? 2 : 3); camera++) {
          FrameVerdict v = view(item, camera);
          send(producer, verdictTopic, v.getCameraId(), VERDICTS.encode(v));
        }
      }
      send(producer, verdictTopic, "E1/S1/C1", "not avro".getBytes(StandardCharsets.UTF_8));

      try (PipelineApp first = new PipelineApp(new PipelineConfig(
          props(cluster, topics, appId, stateDirs.resolve("first"))), LINE,
          new SimpleMeterRegistry())) {
        first.start();
        List<ItemVerdict> early = read(cluster, topics.get(TopicCatalog.ITEMS.name()), ITEMS / 2,
            Duration.ofSeconds(90), Duration.ZERO, AvroSerde.of(ItemVerdict.class)::decode);
        assertEquals(ITEMS / 2, early.size(), "items decided by the first instance");
        assertEquals(KafkaStreams.State.RUNNING, first.state());
      }

      // Second half, written while no instance runs; the new one starts from the changelogs.
      for (int item = ITEMS / 2; item < ITEMS; item++) {
        for (int camera = item == ITEMS / 2 ? 3 : 1; camera <= 3; camera++) {
          FrameVerdict v = view(item, camera);
          send(producer, verdictTopic, v.getCameraId(), VERDICTS.encode(v));
        }
      }
      // A replay of an early NG item's views must not issue a second command.
      for (int camera = 1; camera <= 3; camera++) {
        FrameVerdict v = view(4, camera);
        send(producer, verdictTopic, v.getCameraId(), VERDICTS.encode(v));
      }
    }
    try (PipelineApp second = new PipelineApp(new PipelineConfig(
        props(cluster, topics, appId, stateDirs.resolve("second"))), LINE,
        new SimpleMeterRegistry())) {
      second.start();
      List<ItemVerdict> items = read(cluster, topics.get(TopicCatalog.ITEMS.name()), ITEMS,
          Duration.ofSeconds(120), Duration.ofSeconds(3), AvroSerde.of(ItemVerdict.class)::decode);
      List<RejectCommand> rejects = read(cluster, topics.get(TopicCatalog.REJECTS.name()),
          ITEMS / 4, Duration.ofSeconds(30), Duration.ofSeconds(2),
          AvroSerde.of(RejectCommand.class)::decode);
      List<DeadLetter> letters = read(cluster, topics.get(TopicCatalog.FRAMES_DLQ.name()), 1,
          Duration.ofSeconds(30), Duration.ofSeconds(1), AvroSerde.of(DeadLetter.class)::decode);

      Map<String, Long> decisions = items.stream()
          .collect(Collectors.groupingBy(ItemVerdict::getItemId, Collectors.counting()));
      assertEquals(ITEMS, decisions.size(), "items decided: " + decisions.keySet());
      assertTrue(decisions.values().stream().allMatch(n -> n == 1), "decided twice: " + decisions);
      ItemVerdict straddling = items.stream()
          .filter(i -> i.getItemId().equals("item-" + ITEMS / 2)).findFirst().orElseThrow();
      assertEquals(3, straddling.getViews().size(), "views of the item across the restart");
      assertEquals(List.of(), straddling.getMissingViews());

      List<String> commandIds = rejects.stream().map(RejectCommand::getCommandId).sorted().toList();
      List<String> expected = new ArrayList<>();
      for (int item = 0; item < ITEMS; item += 4) {
        expected.add("reject:E1:G1:item-" + item);
      }
      assertEquals(expected.stream().sorted().toList(), commandIds);

      assertEquals(1, letters.size());
      assertEquals(DeadLetterStage.PIPELINE, letters.get(0).getStage());
      assertEquals("schema.not_avro", letters.get(0).getReasonCode());
      assertEquals(KafkaStreams.State.RUNNING, second.state());
    }
  }

  @KafkaClusterTest
  void shouldCommitOneRejectPerNgItemWhenAnInstanceIsKilledInsideATransaction(
      KafkaCluster cluster) throws Exception {
    Map<String, String> topics = topics(cluster, "pipeline-kill");
    String verdictTopic = topics.get(TopicCatalog.VERDICTS.name());
    String appId = "pipeline-kill-" + UUID.randomUUID();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int item = 0; item < ITEMS; item++) {
        for (int camera = 1; camera <= 3; camera++) {
          FrameVerdict v = view(item, camera);
          send(producer, verdictTopic, v.getCameraId(), VERDICTS.encode(v));
        }
      }
    }
    // A long commit interval keeps the doomed instance's rejects in an open transaction.
    Map<String, Object> doomed = props(cluster, topics, appId, stateDirs.resolve("doomed"));
    doomed.put(PipelineConfig.COMMIT_INTERVAL_MS, 5_000L);
    List<String> command = new ArrayList<>(List.of(
        ProcessHandle.current().info().command().orElse("java"),
        "-cp", System.getProperty("java.class.path"), KilledPipelineMain.class.getName(), "3"));
    doomed.forEach((k, v) -> command.add(k + "=" + v));
    Path log = stateDirs.resolve("doomed.log");
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    assertTrue(process.waitFor(150, TimeUnit.SECONDS), "the doomed pipeline did not halt");
    assertEquals(KilledPipelineMain.HALT_STATUS, process.exitValue(),
        () -> "the doomed pipeline must die with uncommitted reject commands; its log:\n"
            + readQuietly(log));

    try (PipelineApp survivor = new PipelineApp(new PipelineConfig(
        props(cluster, topics, appId, stateDirs.resolve("survivor"))), LINE,
        new SimpleMeterRegistry())) {
      survivor.start();
      List<ItemVerdict> items = read(cluster, topics.get(TopicCatalog.ITEMS.name()), ITEMS,
          Duration.ofSeconds(120), Duration.ofSeconds(3), AvroSerde.of(ItemVerdict.class)::decode);
      List<RejectCommand> rejects = read(cluster, topics.get(TopicCatalog.REJECTS.name()),
          ITEMS / 4, Duration.ofSeconds(30), Duration.ofSeconds(2),
          AvroSerde.of(RejectCommand.class)::decode);

      Map<String, Long> decisions = items.stream()
          .collect(Collectors.groupingBy(ItemVerdict::getItemId, Collectors.counting()));
      assertEquals(ITEMS, decisions.size(), "items decided: " + decisions.keySet());
      assertTrue(decisions.values().stream().allMatch(n -> n == 1), "decided twice: " + decisions);
      Map<String, Long> commands = rejects.stream()
          .collect(Collectors.groupingBy(RejectCommand::getCommandId, Collectors.counting()));
      assertEquals(ITEMS / 4, commands.size(), "NG items with a command: " + commands.keySet());
      assertTrue(commands.values().stream().allMatch(n -> n == 1), "duplicated: " + commands);
    }
  }

  private static String readQuietly(Path file) {
    try {
      return java.nio.file.Files.readString(file);
    } catch (java.io.IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  static <T> List<T> read(KafkaCluster cluster, String topic, int expected,
      Duration timeout, Duration settle, Function<byte[], T> decode) {
    return CommittedRecords.read(cluster.bootstrapServers(), topic, expected, timeout, settle,
        1024 * 1024, decode);
  }
}
