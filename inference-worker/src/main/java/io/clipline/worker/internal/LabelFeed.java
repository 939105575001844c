package io.clipline.worker.internal;

import io.clipline.schemas.OperatorLabel;
import io.clipline.schemas.serde.RecordDecodeException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads operator labels for the cameras this worker owns: the labels topic is co-partitioned with
 * the frames topic (both keyed by camera id), so the worker follows exactly the label partitions
 * whose numbers equal its frame partitions. Manual assignment, no consumer group; a newly followed
 * partition is read from its end, since labels of frames scored elsewhere are of no use here.
 *
 * <p>Not thread-safe: one thread (the worker's consumer thread) calls every method. Decoded
 * labels go to the {@link LabelInbox}; records that are not labels are logged and skipped, and
 * counted there.
 */
public final class LabelFeed implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LabelFeed.class);

  private final String topic;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final LabelInbox inbox;
  private final Deserializer<OperatorLabel> serde;
  private final Set<TopicPartition> followed = new HashSet<>();

  /**
   * @param consumerConfig settings of the label consumer (no group, read_committed)
   * @param inbox receives each decoded label, in partition order
   * @param serde reads the labels in the configured wire format
   */
  public LabelFeed(String topic, Map<String, Object> consumerConfig, LabelInbox inbox,
      Deserializer<OperatorLabel> serde) {
    this.topic = topic;
    this.serde = serde;
    this.inbox = inbox;
    this.consumer =
        new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /** Starts reading the label partitions numbered like {@code framePartitions}, from their end. */
  public void follow(Collection<TopicPartition> framePartitions) {
    Set<TopicPartition> added = new HashSet<>();
    for (TopicPartition frames : framePartitions) {
      TopicPartition labels = new TopicPartition(topic, frames.partition());
      if (followed.add(labels)) {
        added.add(labels);
      }
    }
    if (!added.isEmpty()) {
      consumer.assign(followed);
      consumer.seekToEnd(added);
      LOG.info("following label partitions {}", added);
    }
  }

  /** Stops reading the label partitions numbered like {@code framePartitions}. */
  public void drop(Collection<TopicPartition> framePartitions) {
    boolean changed = false;
    for (TopicPartition frames : framePartitions) {
      changed |= followed.remove(new TopicPartition(topic, frames.partition()));
    }
    if (changed) {
      consumer.assign(followed);
    }
  }

  /**
   * Hands the labels fetched so far to the inbox without waiting for more. A client error is
   * logged and left for the next call to retry: labels never stop the worker.
   */
  public void poll() {
    if (followed.isEmpty()) {
      return;
    }
    try {
      for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ZERO)) {
        decode(record);
      }
    } catch (InterruptException e) {
      throw e;
    } catch (KafkaException e) {
      LOG.warn("cannot read labels from {} (will retry): {}", topic, e.toString());
    }
  }

  private void decode(ConsumerRecord<byte[], byte[]> record) {
    if (record.value() == null) {
      skip(record, "the record has no value");
      return;
    }
    OperatorLabel label;
    try {
      label = serde.deserialize(record.topic(), record.value());
    } catch (RecordDecodeException e) {
      skip(record, e.getMessage());
      return;
    }
    inbox.offer(label);
  }

  private void skip(ConsumerRecord<byte[], byte[]> record, String reason) {
    inbox.undecodable();
    LOG.warn("skipping label record at {}-{}@{}: {}", record.topic(), record.partition(),
        record.offset(), reason);
  }

  @Override
  public void close() {
    consumer.close();
  }
}
