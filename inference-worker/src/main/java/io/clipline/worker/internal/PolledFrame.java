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
 * @param epoch its partition's epoch in {@link InFlightFrames} when it was added: the frame is
 *     stale, never to be judged or committed, once its partition was rewound or lost since
 */
public record PolledFrame(
    ConsumerRecord<byte[], byte[]> record,
    Future<FrameIntake.Prepared> prepared,
    long polledNanos,
    long polledMillis,
    long epoch) {

  /** A frame just polled, before {@link InFlightFrames} stamps its epoch. */
  public PolledFrame(ConsumerRecord<byte[], byte[]> record, Future<FrameIntake.Prepared> prepared,
      long polledNanos, long polledMillis) {
    this(record, prepared, polledNanos, polledMillis, 0);
  }

  /** This frame, stamped with its partition's epoch. */
  PolledFrame withEpoch(long epoch) {
    return new PolledFrame(record, prepared, polledNanos, polledMillis, epoch);
  }

  /** The partition the frame was polled from. */
  public TopicPartition partition() {
    return new TopicPartition(record.topic(), record.partition());
  }
}
