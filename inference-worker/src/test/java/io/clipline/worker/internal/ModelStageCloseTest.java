package io.clipline.worker.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clipline.worker.FrameScorer;
import io.clipline.worker.InferredBatch;
import io.clipline.worker.ScorableFrame;
import io.clipline.worker.ScoredBatch;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Closing the model stage waits for a model run in progress, which interrupts do not stop. */
class ModelStageCloseTest {
  @Test
  void shouldReturnFromCloseOnlyAfterTheRunningModelStageEndedWhenItIgnoresInterrupts()
      throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    AtomicBoolean finished = new AtomicBoolean();
    FrameScorer<Void> scorer = new FrameScorer<>() {
      @Override
      public InferredBatch<Void> infer(List<ScorableFrame> frames) {
        started.countDown();
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
        while (System.nanoTime() < end) {
          Thread.onSpinWait(); // like a native run: deaf to Thread.interrupt
        }
        finished.set(true);
        return new InferredBatch<>(frames, null, 1_000);
      }

      @Override
      public ScoredBatch score(List<ScorableFrame> frames) {
        throw new UnsupportedOperationException("only the model stage runs here");
      }

      @Override
      public String modelVersion() {
        return "slow";
      }

      @Override
      public String scorerVersion() {
        return "test";
      }

      @Override
      public String executionProvider() {
        return "CPU";
      }
    };
    ModelStage<Void> stage = new ModelStage<>(scorer);
    stage.submit(List.of(TestBatches.polled("f-1", 0)));
    assertTrue(started.await(5, TimeUnit.SECONDS));

    stage.close();

    assertTrue(finished.get(), "close returned while the model stage was still running");
  }
}
