package io.clipline.worker.internal;

import io.clipline.worker.FrameScorer;
import io.clipline.worker.InferredBatch;
import io.clipline.worker.ScorableFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model stage on the {@value WorkerThreads#MODEL} thread: for each batch submitted, waits for
 * its decodes, then runs {@link FrameScorer#infer} on the frames that decoded. One batch at a
 * time, in the order submitted, so the scoring thread can {@linkplain #submit prefetch} the next
 * batch while it judges the current one, and the model (on the GPU) and the scoring engine (on
 * the CPU) work at the same time.
 *
 * <p>The scoring thread submits and awaits; only the model thread calls {@code infer}.
 *
 * @param <O> the scorer's model output
 */
public final class ModelStage<O> implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelStage.class);
  /** Longest {@link #close} waits for a model run: far longer than one batch takes. */
  private static final long CLOSE_WAIT_SECONDS = 30;

  private final FrameScorer<O> scorer;
  private final ExecutorService thread = WorkerThreads.single(WorkerThreads.MODEL);

  /** A batch submitted to the model stage: the batch and its staging, done or to come. */
  public record Submitted<O>(List<PolledFrame> batch, Future<StagedBatch<O>> staged) {}

  public ModelStage(FrameScorer<O> scorer) {
    this.scorer = scorer;
  }

  /** Queues {@code batch} behind the batches submitted before it. */
  public Submitted<O> submit(List<PolledFrame> batch) {
    List<PolledFrame> frames = List.copyOf(batch);
    return new Submitted<>(frames, thread.submit(() -> stage(frames)));
  }

  /**
   * Submits {@code submitted}'s batch once more, behind everything submitted so far, and drops
   * its first staging (cancelled if it has not started, ignored if it has): for a batch whose
   * model stage must come after a fallback's, see {@link ScoringLoop}.
   */
  public Submitted<O> resubmit(Submitted<O> submitted) {
    submitted.staged().cancel(false);
    return submit(submitted.batch());
  }

  /** Waits for the staging of a submitted batch. */
  public StagedBatch<O> await(Submitted<O> submitted) throws InterruptedException {
    return awaitFuture(submitted.staged());
  }

  /**
   * Runs {@link FrameScorer#infer} on {@code frames} on the model thread, behind the batches
   * submitted before, and waits for it: the fallback's model stage.
   *
   * @throws RuntimeException what {@code infer} threw
   */
  public InferredBatch<O> infer(List<ScorableFrame> frames) throws InterruptedException {
    return awaitFuture(thread.submit(() -> scorer.infer(frames)));
  }

  /**
   * Model thread: waits for the batch's decodes, then runs the model on what decoded. A decode
   * that failed refuses its frame, unless it failed with a {@link VirtualMachineError} (out of
   * memory), which is the worker's failure, not the frame's: it is thrown, and {@link #await}
   * throws it.
   */
  private StagedBatch<O> stage(List<PolledFrame> batch) throws InterruptedException {
    List<StagedBatch.Ready> ready = new ArrayList<>();
    List<StagedBatch.Refused> refused = new ArrayList<>();
    for (PolledFrame polled : batch) {
      try {
        ready.add(new StagedBatch.Ready(polled, polled.prepared().get()));
      } catch (ExecutionException e) {
        if (e.getCause() instanceof VirtualMachineError fatal) {
          // Out of memory while decoding says nothing about the frame: dead-lettering it would
          // refuse a good part. The worker fails instead, committing nothing of this batch, and
          // its frames are consumed again after a restart.
          throw fatal;
        }
        refused.add(new StagedBatch.Refused(polled, asRejection(e.getCause())));
      }
    }
    long stagedNanos = System.nanoTime();
    InferredBatch<O> inferred = null;
    RuntimeException modelFailure = null;
    if (!ready.isEmpty()) {
      try {
        inferred = scorer.infer(StagedBatch.frames(ready));
      } catch (RuntimeException e) {
        modelFailure = e;
      }
    }
    return new StagedBatch<>(batch, ready, refused, inferred, modelFailure, stagedNanos);
  }

  private static FrameRejectedException asRejection(Throwable cause) {
    if (cause instanceof FrameRejectedException rejected) {
      return rejected;
    }
    return new FrameRejectedException(FrameRejectedException.Stage.DECODE, "decode.failed",
        "unexpected failure while decoding: " + cause, cause);
  }

  private static <T> T awaitFuture(Future<T> future) throws InterruptedException {
    try {
      return future.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException("model stage failed", cause);
    }
  }

  /**
   * Stops the model thread and waits for a model stage in progress to end. ONNX Runtime does not
   * stop a run when its thread is interrupted, and the caller closes the model right after this:
   * a session closed under a running {@code infer} crashes the JVM (seen on Ctrl-C mid-batch).
   */
  @Override
  public void close() {
    thread.shutdownNow();
    try {
      if (!thread.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
        LOG.warn("model stage still running {} s after close; closing the model under it",
            CLOSE_WAIT_SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
