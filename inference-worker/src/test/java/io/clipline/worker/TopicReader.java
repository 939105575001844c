package io.clipline.worker;

import io.clipline.schemas.topic.TopicCatalog;
import io.clipline.testkit.CommittedRecords;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Reads committed records back from a topic and writes raw ones, for assertions. */
final class TopicReader {
  private TopicReader() {}

  /**
   * Reads committed records until {@code expected} arrived or {@code timeout} passed, then keeps
   * polling for {@code settle} to catch duplicates that would come after.
   */
  static <T> List<T> read(String bootstrap, String topic, int expected, Duration timeout,
      Duration settle, Function<byte[], T> decode) {
    return CommittedRecords.read(bootstrap, topic, expected, timeout, settle,
        TopicCatalog.FRAMES_DLQ.maxMessageBytes(), decode);
  }

  static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    return new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG, TopicCatalog.MAX_FRAME_BYTES,
        ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer());
  }

  static void send(KafkaProducer<byte[], byte[]> producer, String topic, String key, byte[] value) {
    try {
      producer.send(new ProducerRecord<>(topic, key == null ? null : key.getBytes(), value)).get();
    } catch (Exception e) {
      throw new IllegalStateException("cannot produce to " + topic, e);
    }
  }
}
