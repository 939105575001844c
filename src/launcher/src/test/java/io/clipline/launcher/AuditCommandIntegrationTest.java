package io.clipline.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clipline.schemas.CameraFrame;
import io.clipline.schemas.DeadLetter;
import io.clipline.schemas.FrameVerdict;
import io.clipline.schemas.StageLatencies;
import io.clipline.schemas.serde.AvroSerde;
import io.clipline.schemas.topic.TopicCatalog;
import io.clipline.testkit.KafkaCluster;
import io.clipline.testkit.KafkaClusterTest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** {@code clipline audit} on a real broker: holds on a clean run, names each kind of breach. */
class AuditCommandIntegrationTest {
  private static final AvroSerde<CameraFrame> FRAMES = AvroSerde.of(CameraFrame.class);
  private static final AvroSerde<FrameVerdict> VERDICTS = AvroSerde.of(FrameVerdict.class);
  private static final AvroSerde<DeadLetter> LETTERS = AvroSerde.of(DeadLetter.class);
  private static final String CAMERA = "line-1/station-1/cam-0";

  @KafkaClusterTest
  void shouldHoldOnOneOutputPerFrameInOrderThenNameEveryBreach(KafkaCluster cluster)
      throws Exception {
    Map<String, String> topics = cluster.createIsolatedTopics("audit",
        List.of(TopicCatalog.FRAMES, TopicCatalog.VERDICTS, TopicCatalog.FRAMES_DLQ));
    String frames = topics.get(TopicCatalog.FRAMES.name());
    String verdicts = topics.get(TopicCatalog.VERDICTS.name());
    String dlq = topics.get(TopicCatalog.FRAMES_DLQ.name());
    String[] args = {"audit", "--bootstrap-servers", cluster.bootstrapServers(),
        "--frames-topic", frames, "--verdicts-topic", verdicts, "--dlq-topic", dlq,
        "--timeout-s", "30"};
    try (KafkaProducer<byte[], byte[]> producer = producer(cluster)) {
      for (int i = 0; i < 5; i++) {
        send(producer, frames, FRAMES.encode(frame(i)));
        send(producer, verdicts, VERDICTS.encode(verdict("f-" + i, i)));
      }
      RecordMetadata bad = send(producer, frames, "not avro".getBytes(StandardCharsets.UTF_8));
      send(producer, dlq, LETTERS.encode(DeadLetter.newBuilder().setOriginalTopic(frames)
          .setOriginalPartition(bad.partition()).setOriginalOffset(bad.offset())
          .setTime(Instant.now()).build()));

      CommandRun clean = CommandRun.of(args);

      assertEquals(0, clean.exitCode(), clean.out() + clean.err());
      assertTrue(clean.out().contains("frames 6, verdicts 5, dead letters 1"), clean.out());
      assertTrue(clean.out().contains("exactly once: holds"), clean.out());

      send(producer, frames, FRAMES.encode(frame(5))); // never answered
      send(producer, verdicts, VERDICTS.encode(verdict("f-2", 2))); // again, and back in time
      send(producer, verdicts, VERDICTS.encode(verdict("ghost", 9))); // no such frame
    }

    CommandRun broken = CommandRun.of(args);

    assertEquals(1, broken.exitCode(), broken.out());
    String out = broken.out();
    assertTrue(out.matches("(?s).*missing +1\\R.*frame f-5.*"), out);
    assertTrue(out.matches("(?s).*duplicated +1\\R.*frame f-2\\): 2 committed outputs.*"), out);
    assertTrue(out.matches("(?s).*orphan verdicts +1\\R +frame ghost.*"), out);
    assertTrue(out.matches("(?s).*out of order +1\\R.*sequence 2 \\(frame f-2\\) after 4.*"), out);
    assertTrue(out.contains("exactly once: DOES NOT HOLD"), out);
  }

  static CameraFrame frame(long sequence) {
    return CameraFrame.newBuilder().setFrameId("f-" + sequence).setCameraId(CAMERA)
        .setLineId("line-1").setStationId("station-1").setSequence(sequence)
        .setCaptureTime(Instant.ofEpochMilli(1_000 + sequence)).build();
  }

  static FrameVerdict verdict(String frameId, long sequence) {
    return FrameVerdict.newBuilder().setFrameId(frameId).setCameraId(CAMERA).setLineId("line-1")
        .setStationId("station-1").setSequence(sequence)
        .setCaptureTime(Instant.ofEpochMilli(1_000 + sequence))
        .setLatencies(StageLatencies.newBuilder().build()).setVerdictTime(Instant.now()).build();
  }

  static KafkaProducer<byte[], byte[]> producer(KafkaCluster cluster) {
    return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        cluster.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
        new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** Keyed by the camera, as the camera gateway and the worker key: one partition per camera. */
  static RecordMetadata send(KafkaProducer<byte[], byte[]> producer, String topic,
      byte[] value) throws Exception {
    return producer.send(new ProducerRecord<>(topic, CAMERA.getBytes(StandardCharsets.UTF_8),
        value)).get();
  }
}
