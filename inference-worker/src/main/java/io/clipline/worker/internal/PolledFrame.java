package io.clipline.worker.internal;

import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * A frame the consumer thread polled, on its way through intake: the raw record, its decode
 * (running on the decode pool) and when it was polled.
 *
 * @param record the frames-topic record as polled
 * @param prepared the frame's {@link FrameIntake#prepare}, done or running
 * @param polledNanos {@link System#nanoTime()} at poll, for the batch-wait latency
 * @param polledMillis wall-clock time at poll, for the queue latency
 */
public record PolledFrame(
    ConsumerRecord<byte[], byte[]> record,
    Future<FrameIntake.Prepared> prepared,
    long polledNanos,
    long polledMillis) {

  /** The partition the frame was polled from. */
  public TopicPartition partition() {
    return new TopicPartition(record.topic(), record.partition());
  }
}
