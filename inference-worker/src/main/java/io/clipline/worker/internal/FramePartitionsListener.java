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
 * commit, a rewind) runs before the partitions go. Lost partitions are dropped and their frames
 * in batches turn stale ({@link InFlightFrames#lose}): another member may own them already, so
 * nothing of them is committed. Assigned ones make the scorer state be read anew. The label feed
 * follows the frame partitions.
 *
 * <p>Every callback first has the group metadata taken anew ({@code onGroupChange}): the
 * generation may have moved inside the poll, and the pass a revocation waits for commits its
 * offsets with the generation of that revocation, not the one of the poll before.
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
  private final Runnable onGroupChange;

  /**
   * @param consumer the frame consumer, for the tasks to run on revocation; may give null
   * @param paused the partitions the consumer loop paused; revoked ones leave it
   * @param labels the label feed; {@code null} when labels are disabled
   * @param onAssigned called when a non-empty set of partitions was assigned
   * @param onGroupChange called first in every callback, to take the group metadata anew
   */
  public FramePartitionsListener(InFlightFrames frames, ScoringPassLock pass, ConsumerTasks tasks,
      Supplier<KafkaConsumer<byte[], byte[]>> consumer, Set<TopicPartition> paused,
      LabelFeed labels, Runnable onAssigned, Runnable onGroupChange) {
    this.frames = frames;
    this.pass = pass;
    this.tasks = tasks;
    this.consumer = consumer;
    this.paused = paused;
    this.labels = labels;
    this.onAssigned = onAssigned;
    this.onGroupChange = onGroupChange;
  }

  @Override
  public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
    onGroupChange.run();
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
    onGroupChange.run();
    frames.lose(partitions);
    forget(partitions);
    LOG.warn("partitions lost: {}", partitions);
  }

  @Override
  public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
    onGroupChange.run();
    if (!partitions.isEmpty()) {
      LOG.info("partitions assigned: {}", partitions);
      onAssigned.run();
    }
    if (labels != null) {
      labels.follow(partitions);
    }
  }

  private void forget(Collection<TopicPartition> partitions) {
    frames.results().forget(partitions);
    paused.removeAll(partitions);
    if (labels != null) {
      labels.drop(partitions);
    }
  }
}
