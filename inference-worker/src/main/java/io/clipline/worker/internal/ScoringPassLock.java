package io.clipline.worker.internal;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps a revocation from finding a batch half way through: the scoring thread holds this lock
 * for each pass of its loop (take batches, judge, write, maybe commit); the consumer thread, in
 * its rebalance listener, {@linkplain #awaitPass asks the pass in progress to commit} and waits
 * for it to end. Fair, so a waiting revocation goes before the scoring thread's next pass.
 */
public final class ScoringPassLock {
  private final ReentrantLock lock = new ReentrantLock(true);
  private volatile boolean revocationPending;

  /** Scoring thread: before a pass. */
  public void lock() {
    lock.lock();
  }

  /** Scoring thread: after a pass. */
  public void unlock() {
    lock.unlock();
  }

  /**
   * Whether a revocation waits for the pass in progress: the pass then takes no further batch
   * and commits before it ends, so what it wrote commits with the current generation.
   */
  public boolean revocationPending() {
    return revocationPending;
  }

  /** Consumer thread: waits until the pass in progress, told to commit, has ended. */
  public void awaitPass() {
    revocationPending = true;
    lock.lock();
    lock.unlock();
    revocationPending = false;
  }
}
