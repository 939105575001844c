package io.clipline.camera;

import io.clipline.schemas.CameraFrame;
import io.clipline.schemas.serde.AvroSerde;
import io.clipline.schemas.topic.TopicCatalog;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads simulated frames back from a topic, decoded with the project's {@link AvroSerde}. */
public final class FrameReader {
  private FrameReader() {}

  /** The topic's records from the start, once {@code expected} have come or after 60 s. */
  public static List<ConsumerRecord<String, CameraFrame>> readAll(
      String bootstrapServers, String topic, int expected) {
    Map<String, Object> config = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.GROUP_ID_CONFIG, "camsim-" + System.nanoTime(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, TopicCatalog.MAX_FRAME_BYTES);
    List<ConsumerRecord<String, CameraFrame>> records = new ArrayList<>();
    try (KafkaConsumer<String, CameraFrame> consumer = new KafkaConsumer<>(
        config, new StringDeserializer(), AvroSerde.of(CameraFrame.class))) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (records.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(500)).forEach(records::add);
      }
    }
    return records;
  }

  /** The last value of header {@code key} as UTF-8, or null when the record has none. */
  public static String header(ConsumerRecord<?, ?> record, String key) {
    Header header = record.headers().lastHeader(key);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
