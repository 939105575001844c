package io.clipline.worker.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The names of the worker's threads, one per job, and the loops named after them: {@link
 * ConsumerLoop} runs on {@value #CONSUMER}, {@link ScoringLoop} on {@value #SCORING}, {@link
 * ModelStage} on {@value #MODEL}, and intake on the {@value #DECODE}N pool.
 */
public final class WorkerThreads {
  /** Polls frames and labels, pauses and resumes, handles rebalances. */
  public static final String CONSUMER = "clipline-consumer";
  /** Judges batches, owns the transaction, applies labels, keeps scorer state. */
  public static final String SCORING = "clipline-scoring";
  /** Runs the model stage of the next batch while the scoring thread judges the current one. */
  public static final String MODEL = "clipline-model";
  /** Prefix of the decode pool's threads, numbered from 1. */
  public static final String DECODE = "clipline-decode-";

  private WorkerThreads() {}

  /** A single daemon thread named {@code name}. */
  public static ExecutorService single(String name) {
    return Executors.newSingleThreadExecutor(daemon(n -> name));
  }

  /** {@code threads} daemon threads named {@code prefix1}, {@code prefix2}, ... */
  public static ExecutorService pool(String prefix, int threads) {
    return Executors.newFixedThreadPool(threads, daemon(n -> prefix + n));
  }

  private static ThreadFactory daemon(java.util.function.IntFunction<String> name) {
    AtomicInteger count = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name.apply(count.incrementAndGet()));
      t.setDaemon(true);
      return t;
    };
  }
}
