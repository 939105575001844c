package io.clipline.worker.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;

/**
 * The frames between poll and commit: those waiting in the {@link FrameBatcher} and those taken
 * into a batch but not yet committed. The count is what backpressure pauses on; every way a frame
 * leaves (committed, aborted, dropped with its partition, found stale) goes through here, so it
 * stays exact.
 *
 * <p>Each partition has an <em>epoch</em>, stamped on its frames as they are added; it moves on
 * when the partition is {@linkplain #fence fenced for a rewind} or {@linkplain #lose lost}, and
 * every frame stamped before is then <em>stale</em>: it is never handed out in a batch, and the
 * scoring loop and the writer drop a batch or a transaction that holds one. While a partition
 * is fenced, frames polled from it are refused, until the consumer thread has sought back and
 * {@linkplain #rewound lifts the fence}: the frames added after that are the ones consumed again
 * from the rewind point. So after a rewind, no frame past the rewind point is judged or written
 * before it was consumed again.
 *
 * <p>Thread-safe: the consumer thread adds, drops, loses and lifts fences; the scoring thread
 * takes batches, fences and reports what it committed or aborted.
 */
public final class InFlightFrames {
  private final FrameBatcher<PolledFrame> batcher;
  private final AtomicInteger count = new AtomicInteger();
  /** Guarded by this: the epoch of each partition that has one (0 when absent). */
  private final Map<TopicPartition, Long> epochs = new HashMap<>();
  /** Guarded by this: partitions fenced until their rewind took effect. */
  private final Set<TopicPartition> fenced = new HashSet<>();
  private final UncommittedResults results = new UncommittedResults();

  public InFlightFrames(int maxBatch, long lingerMillis) {
    this.batcher = new FrameBatcher<>(maxBatch, lingerMillis);
  }

  /**
   * What the scorer made of the judged frames not yet committed, so that a frame consumed again
   * after an abort is not scored (and learnt) twice.
   */
  public UncommittedResults results() {
    return results;
  }

  /**
   * Consumer thread: a frame was polled. Refused (its decode cancelled) while its partition is
   * fenced: it was fetched before the rewind and will be polled again.
   *
   * @return whether the frame was taken in
   */
  public synchronized boolean add(PolledFrame frame) {
    TopicPartition tp = frame.partition();
    if (fenced.contains(tp)) {
      frame.prepared().cancel(true);
      return false;
    }
    count.incrementAndGet();
    batcher.add(frame.withEpoch(epochs.getOrDefault(tp, 0L)));
    return true;
  }

  /** Frames polled and not yet committed. */
  public int count() {
    return count.get();
  }

  /** Frames waiting for a batch. */
  public int waiting() {
    return batcher.size();
  }

  /** Scoring thread: see {@link FrameBatcher#nextBatch}; stale frames are left out. */
  public List<PolledFrame> nextBatch(long maxWaitMillis) throws InterruptedException {
    return current(batcher.nextBatch(maxWaitMillis));
  }

  /** Scoring thread: see {@link FrameBatcher#readyBatch}; stale frames are left out. */
  public List<PolledFrame> readyBatch() {
    return current(batcher.readyBatch());
  }

  /**
   * Consumer thread: drops the waiting frames of {@code partitions} (revoked) and cancels their
   * decodes; frames already in a batch are not touched: the pass in progress commits them.
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

  /**
   * Consumer thread: {@code partitions} were lost (another member may own them already); their
   * waiting frames are dropped and those in batches turn stale, never to be committed.
   */
  public synchronized void lose(Collection<TopicPartition> partitions) {
    partitions.forEach(tp -> epochs.merge(tp, 1L, Long::sum));
    drop(partitions);
  }

  /**
   * Scoring thread: {@code partitions} are to be rewound (an aborted transaction, a stale
   * batch). Their waiting frames are dropped, those in batches turn stale, and frames polled from
   * them are refused until {@link #rewound}.
   *
   * @return the partitions' epochs after the fence: one moved on since was lost meanwhile
   */
  public synchronized Map<TopicPartition, Long> fence(Collection<TopicPartition> partitions) {
    fenced.addAll(partitions);
    lose(partitions);
    Map<TopicPartition, Long> at = new HashMap<>();
    partitions.forEach(tp -> at.put(tp, epochs.get(tp)));
    return at;
  }

  /** The epoch of {@code partition}: it moves on when the partition is fenced or lost. */
  public synchronized long epoch(TopicPartition partition) {
    return epochs.getOrDefault(partition, 0L);
  }

  /** Consumer thread: the seek back on {@code partitions} is done; their frames come again. */
  public synchronized void rewound(Collection<TopicPartition> partitions) {
    fenced.removeAll(partitions);
  }

  /** Whether no frame of {@code batch} is stale. */
  public synchronized boolean isCurrent(Collection<PolledFrame> batch) {
    for (PolledFrame f : batch) {
      if (f.epoch() != epochs.getOrDefault(f.partition(), 0L)) {
        return false;
      }
    }
    return true;
  }

  /** Scoring thread: {@code frames} taken into batches were committed, aborted or dropped. */
  public void done(int frames) {
    count.addAndGet(-frames);
  }

  /** The current frames of a batch just taken; the stale ones leave the count. */
  private List<PolledFrame> current(List<PolledFrame> batch) {
    if (batch.isEmpty() || isCurrent(batch)) {
      return batch;
    }
    List<PolledFrame> current = new ArrayList<>(batch.size());
    synchronized (this) {
      for (PolledFrame f : batch) {
        if (f.epoch() == epochs.getOrDefault(f.partition(), 0L)) {
          current.add(f);
        } else {
          f.prepared().cancel(true);
        }
      }
    }
    done(batch.size() - current.size());
    return current;
  }
}
