package io.clipline.worker.internal;

import io.clipline.worker.FrameScorer;
import io.clipline.worker.WorkerListener;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.TopicPartition;

/**
 * The loop of the {@value WorkerThreads#SCORING} thread. Each {@linkplain #runPass pass}, under
 * the {@link ScoringPassLock}: takes the next batch from {@link InFlightFrames}, hands it to the
 * {@link ModelStage} and, while the model thread works on the next ready batch, restores the
 * scopes of the current one ({@link ScorerStateKeeper}), applies queued labels ({@link
 * LabelInbox}), judges it ({@link BatchJudge}) and writes its records ({@link OutputRecords},
 * {@link TransactionalWriter}); then snapshots scorer state when due and commits when idle, when
 * {@code commit.interval.ms} is up, before a revocation or on shutdown.
 *
 * <p>A batch is judged only if none of its frames is stale ({@link InFlightFrames}): one the
 * model stage already held when its partition was rewound (an aborted transaction) or lost is
 * dropped unjudged, and its other partitions are rewound too.
 *
 * <p>Every batch taken is written before the lock is let go, so a revocation or a commit never
 * finds a batch half way through. Batches are scored in the order their model stage ran, as
 * {@link FrameScorer} promises: when a batch falls back to half batches, whose model stages run
 * behind the prefetched next batch's, the next batch's model stage runs again after them.
 *
 * @param <O> the scorer's model output, handed from the model stage to the judge
 */
public final class ScoringLoop<O> {
  private static final long POLL_MILLIS = 100;

  private final InFlightFrames frames;
  private final ModelStage<O> model;
  private final BatchJudge<O> judge;
  private final OutputRecords outputs;
  private final TransactionalWriter writer;
  private final ScorerStateKeeper state;
  private final LabelInbox labels;
  private final FrameScorer<?> scorer;
  private final ScoringPassLock pass;
  private final WorkerListener listener;
  private final long commitIntervalMs;
  private final BooleanSupplier running;

  /** @param running the loop ends after the pass in which this turned false */
  public ScoringLoop(InFlightFrames frames, ModelStage<O> model, BatchJudge<O> judge,
      OutputRecords outputs, TransactionalWriter writer, ScorerStateKeeper state,
      LabelInbox labels, FrameScorer<?> scorer, ScoringPassLock pass, WorkerListener listener,
      long commitIntervalMs, BooleanSupplier running) {
    this.frames = frames;
    this.model = model;
    this.judge = judge;
    this.outputs = outputs;
    this.writer = writer;
    this.state = state;
    this.labels = labels;
    this.scorer = scorer;
    this.pass = pass;
    this.listener = listener;
    this.commitIntervalMs = commitIntervalMs;
    this.running = running;
  }

  /** Runs passes until {@code running} turns false. */
  public void run() throws InterruptedException {
    while (running.getAsBoolean()) {
      runPass();
    }
  }

  /** One pass: the batches ready now, pipelined through both stages, then snapshot and commit. */
  public void runPass() throws InterruptedException {
    pass.lock();
    try {
      long wait = !writer.isOpen() ? POLL_MILLIS
          : Math.max(0, Math.min(POLL_MILLIS, commitIntervalMs - writer.openMillis()));
      List<PolledFrame> batch = frames.nextBatch(wait);
      if (batch.isEmpty()) {
        labels.applyTo(scorer::applyLabel); // an idle line still learns from its operators
      }
      ModelStage.Submitted<O> current = batch.isEmpty() ? null : model.submit(batch);
      while (current != null) {
        StagedBatch<O> staged = model.await(current);
        // Pipeline: the model starts on the next ready batch while this one is judged.
        ModelStage.Submitted<O> next = null;
        if (running.getAsBoolean() && !pass.revocationPending()
            && (!writer.isOpen() || writer.openMillis() < commitIntervalMs)) {
          List<PolledFrame> ready = frames.readyBatch();
          if (!ready.isEmpty()) {
            next = model.submit(ready);
          }
        }
        labels.applyTo(scorer::applyLabel);
        if (!frames.isCurrent(staged.batch())) {
          dropStale(staged.batch());
          current = next;
          continue;
        }
        JudgedBatch judged = write(staged);
        if (judged.fellBack() && next != null) {
          // The fallback's model stages ran behind the next batch's; run it again behind them,
          // so that batches are scored in the order they were inferred.
          next = model.resubmit(next);
        }
        current = next;
      }
      if (state.snapshotDue() || pass.revocationPending() || !running.getAsBoolean()) {
        state.publishSnapshots(writer);
      }
      // Commit when idle (low latency at low load), when the interval is up (amortised
      // transactions under load), or before partitions are taken away.
      if (writer.isOpen() && (frames.waiting() == 0 || writer.openMillis() >= commitIntervalMs
          || pass.revocationPending() || !running.getAsBoolean())) {
        writer.commit();
      }
    } finally {
      pass.unlock();
    }
  }

  /**
   * Drops a batch the model stage held when one of its partitions was rewound or lost: nothing
   * of it is judged; its other partitions are rewound to their first frame in it, so none of its
   * frames is skipped.
   */
  private void dropStale(List<PolledFrame> batch) {
    frames.done(batch.size());
    Map<TopicPartition, Long> firstOffsets = new HashMap<>();
    for (PolledFrame p : batch) {
      if (frames.isCurrent(List.of(p))) {
        firstOffsets.merge(p.partition(), p.record().offset(), Math::min);
      }
    }
    writer.rewind(firstOffsets);
  }

  /** Judges a staged batch (falling back as needed) and writes its records. */
  private JudgedBatch write(StagedBatch<O> staged) throws InterruptedException {
    state.restoreBefore(staged.ready());
    outputs.failFast(staged);
    JudgedBatch judged = judge.judge(staged);
    long scoringNanos = System.nanoTime() - staged.stagedNanos();
    for (JudgedBatch.Judgement judgement : judged.judgements()) {
      if (judgement instanceof JudgedBatch.Scored scored && !scored.replayed()) {
        state.scored(scored.result());
      }
    }
    writer.write(staged.batch(), outputs.of(judged));
    listener.onBatchWritten(staged.batch().size(), scoringNanos);
    return judged;
  }
}
