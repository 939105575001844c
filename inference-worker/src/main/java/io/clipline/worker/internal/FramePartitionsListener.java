package io.clipline.worker.internal;

import java.util.Collection;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The frame consumer's rebalance listener, on the {@value WorkerThreads#CONSUMER} thread. On
 * revocation the frames of the revoked partitions are dropped or finished, never half-done: the
 * waiting ones are dropped, the scoring pass in progress is told to commit and waited for (it
 * commits with this generation, or aborts), and what it handed the consumer thread (an offset
 * commit, a rewind) runs before the partitions go. Lost partitions are only dropped. Assigned
 * ones make the scorer state be read anew. The label feed follows the frame partitions.
 */
public final class FramePartitionsListener implements ConsumerRebalanceListener {
  private static final Logger LOG = LoggerFactory.getLogger(FramePartitionsListener.class);

  private final InFlightFrames frames;
  private final ScoringPassLock pass;
  private final ConsumerTasks tasks;
  private final Supplier<KafkaConsumer<byte[], byte[]>> consumer;
  private final Set<TopicPartition> paused;
  /** Null when labels are disabled. */
  private final LabelFeed labels;
  private final Runnable onAssigned;

  /**
   * @param consumer the frame consumer, for the tasks to run on revocation; may give null
   * @param paused the partitions the consumer loop paused; revoked ones leave it
   * @param labels the label feed; {@code null} when labels are disabled
   * @param onAssigned called when a non-empty set of partitions was assigned
   */
  public FramePartitionsListener(InFlightFrames frames, ScoringPassLock pass, ConsumerTasks tasks,
      Supplier<KafkaConsumer<byte[], byte[]>> consumer, Set<TopicPartition> paused,
      LabelFeed labels, Runnable onAssigned) {
    this.frames = frames;
    this.pass = pass;
    this.tasks = tasks;
    this.consumer = consumer;
    this.paused = paused;
    this.labels = labels;
    this.onAssigned = onAssigned;
  }

  @Override
  public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      return;
    }
    frames.drop(partitions);
    pass.awaitPass();
    KafkaConsumer<byte[], byte[]> c = consumer.get();
    if (c != null) {
      tasks.runAll(c);
    }
    forget(partitions);
    LOG.info("partitions revoked: {}", partitions);
  }

  @Override
  public void onPartitionsLost(Collection<TopicPartition> partitions) {
    frames.drop(partitions);
    forget(partitions);
    LOG.warn("partitions lost: {}", partitions);
  }

  @Override
  public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
    if (!partitions.isEmpty()) {
      LOG.info("partitions assigned: {}", partitions);
      onAssigned.run();
    }
    if (labels != null) {
      labels.follow(partitions);
    }
  }

  private void forget(Collection<TopicPartition> partitions) {
    paused.removeAll(partitions);
    if (labels != null) {
      labels.drop(partitions);
    }
  }
}
