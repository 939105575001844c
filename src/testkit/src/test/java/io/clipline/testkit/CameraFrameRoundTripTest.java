package io.clipline.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clipline.schemas.CameraFrame;
import io.clipline.schemas.FrameEncoding;
import io.clipline.schemas.serde.AvroSerde;
import io.clipline.schemas.topic.TopicCatalog;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Frames written through the serdes to a real broker come back equal, a 3 MB one included. */
class CameraFrameRoundTripTest {
  private static final int THREE_MB = 3 * 1024 * 1024;

  @KafkaClusterTest
  void shouldConsumeEqualFramesWhenProducedThroughTheSerdes(KafkaCluster cluster)
      throws Exception {
    String topic =
        cluster.createIsolatedTopics("roundtrip", List.of(TopicCatalog.FRAMES))
            .get(TopicCatalog.FRAMES.name());
    List<CameraFrame> sent = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      sent.add(frame("line-1/station-1/cam-" + (i % 3), i, 2_000 + i));
    }
    sent.add(frame("line-1/station-1/cam-big", 20, THREE_MB));

    AvroSerde<CameraFrame> serde = AvroSerde.of(CameraFrame.class);
    try (KafkaProducer<String, CameraFrame> producer =
        new KafkaProducer<>(producerConfig(cluster), new StringSerializer(), serde)) {
      for (CameraFrame frame : sent) {
        producer.send(new ProducerRecord<>(topic, frame.getCameraId(), frame)).get(30, TimeUnit.SECONDS);
      }
    }

    Map<String, CameraFrame> received = new HashMap<>();
    try (KafkaConsumer<String, CameraFrame> consumer =
        new KafkaConsumer<>(consumerConfig(cluster), new StringDeserializer(), serde)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (received.size() < sent.size() && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, CameraFrame> record : consumer.poll(Duration.ofMillis(500))) {
          assertEquals(record.value().getCameraId(), record.key());
          received.put(record.value().getFrameId(), record.value());
        }
      }
    }

    assertEquals(sent.size(), received.size(), "frames received");
    for (CameraFrame frame : sent) {
      assertEquals(frame, received.get(frame.getFrameId()), frame.getFrameId());
    }
    assertEquals(THREE_MB, received.get(sent.get(20).getFrameId()).getImage().remaining());
  }

  private static CameraFrame frame(String cameraId, long sequence, int imageBytes) {
    byte[] image = new byte[imageBytes];
    new Random(sequence).nextBytes(image);
    String[] parts = cameraId.split("/");
    return CameraFrame.newBuilder()
        .setFrameId("frame-" + sequence)
        .setCameraId(cameraId)
        .setLineId(parts[0])
        .setStationId(parts[1])
        .setItemId(sequence % 2 == 0 ? "item-" + sequence : null)
        .setSequence(sequence)
        .setCaptureTime(Instant.ofEpochMilli(1_760_000_000_000L + sequence))
        .setProduct("tile-A")
        .setEncoding(FrameEncoding.JPEG)
        .setWidth(640)
        .setHeight(480)
        .setImage(ByteBuffer.wrap(image))
        .setAttributes(Map.of("lighting", "exp1"))
        .build();
  }

  private static Map<String, Object> producerConfig(KafkaCluster cluster) {
    return Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG, TopicCatalog.MAX_FRAME_BYTES,
        ProducerConfig.ACKS_CONFIG, "all");
  }

  private static Map<String, Object> consumerConfig(KafkaCluster cluster) {
    return Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "roundtrip-" + System.nanoTime(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, TopicCatalog.MAX_FRAME_BYTES);
  }
}
