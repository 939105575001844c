package io.clipline.worker.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * Groups frames into micro-batches: a batch closes when it holds {@code maxBatch} frames or
 * {@code linger} after its first frame arrived, whichever comes first.
 *
 * <p>One thread adds (the consumer thread), one takes (the scoring thread). Frames leave in
 * the order they were added, so one camera's frames stay in order.
 *
 * @param <T> what is batched
 */
public final class FrameBatcher<T> {
  private final int maxBatch;
  private final long lingerNanos;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Deque<Entry<T>> queue = new ArrayDeque<>();

  private record Entry<T>(T item, long arrivedNanos) {}

  public FrameBatcher(int maxBatch, long lingerMillis) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be >= 1, got " + maxBatch);
    }
    if (lingerMillis < 0) {
      throw new IllegalArgumentException("lingerMillis must be >= 0, got " + lingerMillis);
    }
    this.maxBatch = maxBatch;
    this.lingerNanos = TimeUnit.MILLISECONDS.toNanos(lingerMillis);
  }

  public void add(T item) {
    lock.lock();
    try {
      queue.addLast(new Entry<>(item, System.nanoTime()));
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Frames waiting, not yet taken into a batch. */
  public int size() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  /** Drops waiting frames that match, e.g. those of revoked partitions; returns them. */
  public List<T> removeIf(Predicate<T> filter) {
    lock.lock();
    try {
      List<T> removed = new ArrayList<>();
      queue.removeIf(e -> {
        if (filter.test(e.item())) {
          removed.add(e.item());
          return true;
        }
        return false;
      });
      return removed;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The next batch if one is ready now (full, or the linger of its first frame ran out), else an
   * empty list; never waits.
   */
  public List<T> readyBatch() {
    lock.lock();
    try {
      if (queue.isEmpty()
          || (queue.size() < maxBatch
              && System.nanoTime() - queue.peekFirst().arrivedNanos() < lingerNanos)) {
        return List.of();
      }
      return take();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits up to {@code maxWaitMillis} for a first frame, then until the batch is full or its
   * linger ran out.
   *
   * @return the next batch; empty when no frame arrived in time
   */
  public List<T> nextBatch(long maxWaitMillis) throws InterruptedException {
    lock.lock();
    try {
      long waitNanos = TimeUnit.MILLISECONDS.toNanos(maxWaitMillis);
      while (queue.isEmpty()) {
        if (waitNanos <= 0) {
          return List.of();
        }
        waitNanos = changed.awaitNanos(waitNanos);
      }
      long closesAt = queue.peekFirst().arrivedNanos() + lingerNanos;
      while (queue.size() < maxBatch) {
        long left = closesAt - System.nanoTime();
        if (left <= 0 || queue.isEmpty()) {
          break;
        }
        changed.awaitNanos(left);
      }
      return take();
    } finally {
      lock.unlock();
    }
  }

  private List<T> take() {
    List<T> batch = new ArrayList<>(Math.min(maxBatch, queue.size()));
    while (batch.size() < maxBatch && !queue.isEmpty()) {
      batch.add(queue.pollFirst().item());
    }
    return batch;
  }
}
