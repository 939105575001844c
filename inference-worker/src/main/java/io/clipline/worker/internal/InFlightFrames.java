package io.clipline.worker.internal;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;

/**
 * The frames between poll and commit: those waiting in the {@link FrameBatcher} and those taken
 * into a batch but not yet committed. The count is what backpressure pauses on; every way a frame
 * leaves (committed, aborted, dropped with its partition) goes through here, so it stays exact.
 *
 * <p>Thread-safe: the consumer thread adds and drops, the scoring thread takes batches and
 * reports what it committed or aborted.
 */
public final class InFlightFrames {
  private final FrameBatcher<PolledFrame> batcher;
  private final AtomicInteger count = new AtomicInteger();

  public InFlightFrames(int maxBatch, long lingerMillis) {
    this.batcher = new FrameBatcher<>(maxBatch, lingerMillis);
  }

  /** Consumer thread: a frame was polled. */
  public void add(PolledFrame frame) {
    count.incrementAndGet();
    batcher.add(frame);
  }

  /** Frames polled and not yet committed. */
  public int count() {
    return count.get();
  }

  /** Frames waiting for a batch. */
  public int waiting() {
    return batcher.size();
  }

  /** Scoring thread: see {@link FrameBatcher#nextBatch}. */
  public List<PolledFrame> nextBatch(long maxWaitMillis) throws InterruptedException {
    return batcher.nextBatch(maxWaitMillis);
  }

  /** Scoring thread: see {@link FrameBatcher#readyBatch}. */
  public List<PolledFrame> readyBatch() {
    return batcher.readyBatch();
  }

  /**
   * Consumer thread: drops the waiting frames of {@code partitions} (revoked, lost, or rewound
   * to be polled again) and cancels their decodes; frames already in a batch are not touched.
   *
   * @return how many were dropped
   */
  public int drop(Collection<TopicPartition> partitions) {
    Set<TopicPartition> gone = new HashSet<>(partitions);
    List<PolledFrame> dropped = batcher.removeIf(f -> gone.contains(f.partition()));
    dropped.forEach(f -> f.prepared().cancel(true));
    count.addAndGet(-dropped.size());
    return dropped.size();
  }

  /** Scoring thread: {@code frames} taken into batches were committed or aborted. */
  public void done(int frames) {
    count.addAndGet(-frames);
  }
}
