package io.clipline.worker.internal;

import io.clipline.schemas.ScorerSnapshot;
import io.clipline.schemas.serde.AvroSerde;
import io.clipline.schemas.serde.RecordDecodeException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the scorer-state topic from its beginning to its end with a consumer of its own (all
 * partitions assigned by hand, no group, read_committed) and returns the newest restorable
 * snapshot of each scope ({@link ScorerSnapshots.Assembly}).
 */
public final class ScorerStateReader {
  private static final Logger LOG = LoggerFactory.getLogger(ScorerStateReader.class);
  private static final Duration POLL = Duration.ofMillis(100);

  /**
   * What the topic held.
   *
   * @param partitions the topic's partition count; 0 when the topic does not exist
   * @param snapshots the newest restorable snapshot per scope
   */
  public record Loaded(int partitions, Map<String, ScorerSnapshots.Restorable> snapshots) {}

  private final AvroSerde<ScorerSnapshot> serde = AvroSerde.of(ScorerSnapshot.class);
  private final String topic;
  private final Map<String, Object> consumerConfig;

  /** @param consumerConfig settings of the state consumer (no group, read_committed) */
  public ScorerStateReader(String topic, Map<String, Object> consumerConfig) {
    this.topic = topic;
    this.consumerConfig = consumerConfig;
  }

  /**
   * Reads up to the end offsets taken when reading starts. Stops early, keeping what it has read,
   * when {@code keepGoing} turns false or {@code timeout} passes.
   */
  public Loaded read(String modelVersion, String scorerVersion, Duration timeout,
      BooleanSupplier keepGoing) {
    ScorerSnapshots.Assembly assembly = new ScorerSnapshots.Assembly(modelVersion, scorerVersion);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
      if (infos == null || infos.isEmpty()) {
        return new Loaded(0, Map.of());
      }
      List<TopicPartition> partitions =
          infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!caughtUp(consumer, end)) {
        if (!keepGoing.getAsBoolean() || System.nanoTime() > deadline) {
          LOG.warn("stopped reading {} before its end ({}); scopes not read yet start cold",
              topic, keepGoing.getAsBoolean() ? "timed out after " + timeout : "stopping");
          break;
        }
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
          add(assembly, record);
        }
      }
      return new Loaded(partitions.size(), assembly.restorable());
    }
  }

  private static boolean caughtUp(KafkaConsumer<byte[], byte[]> consumer,
      Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private void add(ScorerSnapshots.Assembly assembly, ConsumerRecord<byte[], byte[]> record) {
    if (record.value() == null) {
      return; // a tombstone
    }
    try {
      assembly.add(serde.decode(record.value()));
    } catch (RecordDecodeException e) {
      LOG.warn("skipping scorer-state record at {}-{}@{}: {}", record.topic(), record.partition(),
          record.offset(), e.getMessage());
    }
  }
}
