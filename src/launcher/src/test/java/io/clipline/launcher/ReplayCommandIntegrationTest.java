package io.clipline.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clipline.schemas.CameraFrame;
import io.clipline.schemas.DeadLetter;
import io.clipline.schemas.DeadLetterHeader;
import io.clipline.schemas.FramePosition;
import io.clipline.schemas.FrameVerdict;
import io.clipline.schemas.serde.AvroSerde;
import io.clipline.schemas.topic.TopicCatalog;
import io.clipline.testkit.KafkaCluster;
import io.clipline.testkit.KafkaClusterTest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code clipline replay} on a real broker: it publishes exactly the selected dead letters'
 * original records again, unchanged but for a header naming the original, and {@code clipline
 * audit} counts a replayed frame as a frame of its own.
 */
class ReplayCommandIntegrationTest {
  private static final AvroSerde<CameraFrame> FRAMES = AvroSerde.of(CameraFrame.class);
  private static final AvroSerde<FrameVerdict> VERDICTS = AvroSerde.of(FrameVerdict.class);
  private static final AvroSerde<DeadLetter> LETTERS = AvroSerde.of(DeadLetter.class);
  private static final byte[] CAMERA_KEY =
      "line-1/station-1/cam-0".getBytes(StandardCharsets.UTF_8);

  @KafkaClusterTest
  void shouldReplayOnlyTheSelectedLettersAndLetTheAuditHold(KafkaCluster cluster)
      throws Exception {
    Map<String, String> topics = cluster.createIsolatedTopics("replay",
        List.of(TopicCatalog.FRAMES, TopicCatalog.VERDICTS, TopicCatalog.FRAMES_DLQ));
    String frames = topics.get(TopicCatalog.FRAMES.name());
    String verdicts = topics.get(TopicCatalog.VERDICTS.name());
    String dlq = topics.get(TopicCatalog.FRAMES_DLQ.name());
    Instant outage = Instant.parse("2026-12-03T08:00:00Z");
    RecordMetadata unreachable;
    try (KafkaProducer<byte[], byte[]> producer = AuditCommandIntegrationTest.producer(cluster)) {
      // f-0 and f-2 are judged; f-1's claim-check storage was down; f-3 is truncated; f-4's
      // storage failed too, but before the window replayed; f-5's letter kept no value.
      ProducerRecord<byte[], byte[]> claim = new ProducerRecord<>(frames, null, CAMERA_KEY,
          FRAMES.encode(AuditCommandIntegrationTest.frame(1)),
          List.of(new RecordHeader("clipline.gt.label", "NORMAL".getBytes(StandardCharsets.UTF_8))));
      RecordMetadata f0 = send(producer, frames, FRAMES.encode(AuditCommandIntegrationTest.frame(0)));
      unreachable = producer.send(claim).get();
      RecordMetadata f2 = send(producer, frames, FRAMES.encode(AuditCommandIntegrationTest.frame(2)));
      RecordMetadata truncated =
          send(producer, frames, FRAMES.encode(AuditCommandIntegrationTest.frame(3)));
      RecordMetadata early = send(producer, frames, FRAMES.encode(AuditCommandIntegrationTest.frame(4)));
      RecordMetadata big = send(producer, frames, FRAMES.encode(AuditCommandIntegrationTest.frame(5)));
      send(producer, verdicts, VERDICTS.encode(verdict(0, f0)));
      send(producer, verdicts, VERDICTS.encode(verdict(2, f2)));
      send(producer, dlq, LETTERS.encode(letter(unreachable, claim.value(), "fetch.not_found",
          "f-1", outage.plusSeconds(60))));
      send(producer, dlq, LETTERS.encode(letter(truncated,
          FRAMES.encode(AuditCommandIntegrationTest.frame(3)), "decode.truncated", "f-3",
          outage.plusSeconds(90))));
      send(producer, dlq, LETTERS.encode(letter(early,
          FRAMES.encode(AuditCommandIntegrationTest.frame(4)), "fetch.timeout", "f-4",
          outage.minusSeconds(3600))));
      send(producer, dlq, LETTERS.encode(letter(big, null, "fetch.too_large", "f-5",
          outage.plusSeconds(120))));
    }
    String[] replay = {"replay", "--bootstrap-servers", cluster.bootstrapServers(),
        "--dlq-topic", dlq, "--topic", frames, "--reason", "fetch.*",
        "--since", "2026-12-03T08:00:00Z", "--timeout-s", "30"};

    CommandRun dry = CommandRun.of(concat(replay, "--dry-run"));

    assertEquals(0, dry.exitCode(), dry.out() + dry.err());
    assertTrue(dry.out().contains("would replay " + frames + "-" + unreachable.partition() + "@"
        + unreachable.offset() + " fetch.not_found frame f-1"), dry.out());
    assertTrue(dry.out().contains("would replay 1 dead letters"), dry.out());
    assertTrue(dry.out().contains("1 not replayable" + System.lineSeparator()), dry.out());
    assertEquals(6, read(cluster, frames).size(), "a dry run publishes nothing");

    CommandRun run = CommandRun.of(replay);

    assertEquals(0, run.exitCode(), run.out() + run.err());
    assertTrue(run.out().contains("replayed 1 dead letters to " + frames
        + " ({fetch.not_found=1}), 1 not replayable"), run.out());
    List<ConsumerRecord<byte[], byte[]>> after = read(cluster, frames);
    assertEquals(7, after.size());
    ConsumerRecord<byte[], byte[]> replayed = after.stream()
        .filter(r -> ReplayCommand.replayOf(r) != null).findFirst().orElseThrow();
    assertEquals(frames + "-" + unreachable.partition() + "@" + unreachable.offset(),
        ReplayCommand.replayOf(replayed));
    assertArrayEquals(CAMERA_KEY, replayed.key());
    assertArrayEquals(claim(frames).value(), replayed.value(), "the original value, unchanged");
    assertEquals("NORMAL", new String(
        replayed.headers().lastHeader("clipline.gt.label").value(), StandardCharsets.UTF_8));
    assertNull(ReplayCommand.replayOf(after.get(0)));

    String[] audit = {"audit", "--bootstrap-servers", cluster.bootstrapServers(),
        "--frames-topic", frames, "--verdicts-topic", verdicts, "--dlq-topic", dlq,
        "--timeout-s", "30"};
    CommandRun unanswered = CommandRun.of(audit);
    assertEquals(1, unanswered.exitCode(), unanswered.out());
    assertTrue(unanswered.out().matches("(?s).*missing +1\\R.*@" + replayed.offset()
        + " \\(frame f-1\\).*"), unanswered.out());

    // The worker judges the replayed frame after the camera's later frames: not out of order.
    try (KafkaProducer<byte[], byte[]> producer = AuditCommandIntegrationTest.producer(cluster)) {
      send(producer, verdicts, VERDICTS.encode(verdict(1, new FramePosition(
          frames, replayed.partition(), replayed.offset()))));
    }
    CommandRun holds = CommandRun.of(audit);
    assertEquals(0, holds.exitCode(), holds.out());
    assertTrue(holds.out().contains("frames 7, verdicts 3, dead letters 4, replayed frames 1"),
        holds.out());
  }

  @KafkaClusterTest
  void shouldSkipARecordThatIsNotADeadLetterAndSaySo(KafkaCluster cluster) throws Exception {
    String dlq = cluster.createIsolatedTopics("replay-junk", List.of(TopicCatalog.FRAMES_DLQ))
        .get(TopicCatalog.FRAMES_DLQ.name());
    try (KafkaProducer<byte[], byte[]> producer = AuditCommandIntegrationTest.producer(cluster)) {
      send(producer, dlq, "not a dead letter".getBytes(StandardCharsets.UTF_8));
    }

    CommandRun run = CommandRun.of("replay", "--bootstrap-servers", cluster.bootstrapServers(),
        "--dlq-topic", dlq, "--reason", "*", "--timeout-s", "30");

    assertEquals(0, run.exitCode(), run.out() + run.err());
    assertTrue(run.out().contains("not a dead letter at " + dlq + "-"), run.out());
    assertTrue(run.out().contains("replayed 0 dead letters"), run.out());
    assertTrue(run.out().contains("1 records of " + dlq + " not dead letters"), run.out());

    // The audit reads past it too, and says so.
    Map<String, String> rest = cluster.createIsolatedTopics("replay-junk-audit",
        List.of(TopicCatalog.FRAMES, TopicCatalog.VERDICTS));
    CommandRun audit = CommandRun.of("audit", "--bootstrap-servers", cluster.bootstrapServers(),
        "--frames-topic", rest.get(TopicCatalog.FRAMES.name()),
        "--verdicts-topic", rest.get(TopicCatalog.VERDICTS.name()), "--dlq-topic", dlq,
        "--timeout-s", "30");
    assertEquals(0, audit.exitCode(), audit.out() + audit.err());
    assertTrue(audit.out().contains(dlq + " records that are not dead letters: 1, skipped"),
        audit.out());
  }

  @KafkaClusterTest
  void shouldStopWithAMessageNamingTheOptionOnABadInstant(KafkaCluster cluster) {
    CommandRun run = CommandRun.of("replay", "--bootstrap-servers", cluster.bootstrapServers(),
        "--reason", "*", "--since", "yesterday");

    assertEquals(2, run.exitCode(), run.err());
    assertTrue(run.err().contains("--since must be an ISO-8601 instant"), run.err());
  }

  @KafkaClusterTest
  void shouldPassTheClientConfigToItsClientsAndNameAMissingFile(KafkaCluster cluster,
      @TempDir Path dir) throws Exception {
    Path missing = dir.resolve("missing.properties");
    CommandRun noFile = CommandRun.of("replay", "--bootstrap-servers", cluster.bootstrapServers(),
        "--reason", "*", "--client-config", missing.toString());
    assertEquals(2, noFile.exitCode(), noFile.err());
    assertTrue(noFile.err().contains("--client-config " + missing + ": no such file"),
        noFile.err());

    // The broker speaks plaintext: a client told to use TLS cannot read the topic.
    Path tls = Files.writeString(dir.resolve("tls.properties"), "security.protocol=SSL\n");
    CommandRun secured = CommandRun.of("replay", "--bootstrap-servers", cluster.bootstrapServers(),
        "--reason", "*", "--client-config", tls.toString(), "--timeout-s", "5");
    assertEquals(1, secured.exitCode(), secured.out() + secured.err());
  }

  private static ProducerRecord<byte[], byte[]> claim(String frames) {
    return new ProducerRecord<>(frames, CAMERA_KEY, FRAMES.encode(AuditCommandIntegrationTest.frame(1)));
  }

  private static FrameVerdict verdict(long sequence, RecordMetadata at) {
    return verdict(sequence, new FramePosition(at.topic(), at.partition(), at.offset()));
  }

  private static FrameVerdict verdict(long sequence, FramePosition at) {
    return FrameVerdict.newBuilder(AuditCommandIntegrationTest.verdict("f-" + sequence, sequence))
        .setFramePosition(at).build();
  }

  private static DeadLetter letter(RecordMetadata original, byte[] value, String reasonCode,
      String frameId, Instant time) {
    return DeadLetter.newBuilder().setOriginalTopic(original.topic())
        .setOriginalPartition(original.partition()).setOriginalOffset(original.offset())
        .setOriginalKey(ByteBuffer.wrap(CAMERA_KEY))
        .setOriginalValue(value == null ? null : ByteBuffer.wrap(value))
        .setOriginalValueSize(value == null ? 40_000_000 : value.length)
        .setHeaders(value == null ? List.of() : List.of(new DeadLetterHeader("clipline.gt.label",
            ByteBuffer.wrap("NORMAL".getBytes(StandardCharsets.UTF_8)))))
        .setReasonCode(reasonCode).setFrameId(frameId).setCameraId("line-1/station-1/cam-0")
        .setTime(time).build();
  }

  private static RecordMetadata send(KafkaProducer<byte[], byte[]> producer, String topic,
      byte[] value) throws Exception {
    return producer.send(new ProducerRecord<>(topic, CAMERA_KEY, value)).get();
  }

  private static List<ConsumerRecord<byte[], byte[]>> read(KafkaCluster cluster, String topic) {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    new CommittedTopicReader(Map.of(), cluster.bootstrapServers(), "replay-test",
        Duration.ofSeconds(30)).read(topic, (tp, r) -> records.add(r));
    records.sort((a, b) -> Long.compare(a.offset(), b.offset()));
    return records;
  }

  private static String[] concat(String[] args, String more) {
    String[] all = java.util.Arrays.copyOf(args, args.length + 1);
    all[args.length] = more;
    return all;
  }
}
