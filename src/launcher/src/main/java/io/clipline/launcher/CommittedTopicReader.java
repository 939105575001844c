package io.clipline.launcher;

import io.clipline.schemas.topic.TopicCatalog;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a topic from its beginning to its committed end as it stood when reading began
 * (read_committed: the last stable offset), in order within each partition, without a consumer
 * group: for the commands that check or replay what the workers committed ({@code audit},
 * {@code replay}).
 */
final class CommittedTopicReader {
  private final Map<String, Object> clientSettings;
  private final String bootstrapServers;
  private final String clientId;
  private final Duration timeout;

  /**
   * @param clientSettings Kafka client settings for a secured cluster ({@link
   *     ClientConfigOption}); the reader's own settings win over them
   * @param clientId the consumer's {@code client.id}, so that broker logs name the command
   * @param timeout longest one topic is read before {@link #read} gives up
   */
  CommittedTopicReader(Map<String, Object> clientSettings, String bootstrapServers,
      String clientId, Duration timeout) {
    this.clientSettings = Map.copyOf(clientSettings);
    this.bootstrapServers = bootstrapServers;
    this.clientId = clientId;
    this.timeout = timeout;
  }

  /**
   * Hands every committed record of {@code topic} to {@code each}, with its partition named as
   * {@code topic-partition}.
   *
   * @throws IllegalStateException when the topic cannot be read to its end within the timeout
   */
  void read(String topic, BiConsumer<String, ConsumerRecord<byte[], byte[]>> each) {
    Map<String, Object> props = new HashMap<>(clientSettings);
    props.putAll(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, TopicCatalog.FRAMES_DLQ.maxMessageBytes(),
        ConsumerConfig.CLIENT_ID_CONFIG, clientId));
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = c.partitionsFor(topic, timeout).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      c.assign(partitions);
      c.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = c.endOffsets(partitions); // read_committed: the LSO
      long deadline = System.nanoTime() + timeout.toNanos();
      while (partitions.stream().anyMatch(tp -> c.position(tp) < ends.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("could not read " + topic + " to its end in "
              + timeout.toSeconds() + " s");
        }
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          if (r.offset() < ends.get(new TopicPartition(topic, r.partition()))) {
            each.accept(topic + "-" + r.partition(), r);
          }
        }
      }
    }
  }
}
