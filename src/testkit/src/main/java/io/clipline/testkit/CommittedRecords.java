package io.clipline.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads what a topic committed back, for assertions on exactly-once output. */
public final class CommittedRecords {
  private CommittedRecords() {}

  /**
   * Reads the topic's committed values from the start (a fresh group, read_committed) until
   * {@code expected} arrived or {@code timeout} passed, then keeps polling for {@code settle} to
   * catch duplicates that would come after.
   *
   * @param maxValueBytes the largest value the topic holds (fetch size per partition)
   */
  public static <T> List<T> read(String bootstrapServers, String topic, int expected,
      Duration timeout, Duration settle, int maxValueBytes, Function<byte[], T> decode) {
    Map<String, Object> props = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, maxValueBytes);
    List<T> values = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (values.size() < expected && System.nanoTime() < deadline) {
        poll(consumer, values, decode);
      }
      long settleUntil = System.nanoTime() + settle.toNanos();
      while (System.nanoTime() < settleUntil) {
        poll(consumer, values, decode);
      }
    }
    return values;
  }

  private static <T> void poll(
      KafkaConsumer<byte[], byte[]> consumer, List<T> values, Function<byte[], T> decode) {
    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
      values.add(decode.apply(r.value()));
    }
  }
}
