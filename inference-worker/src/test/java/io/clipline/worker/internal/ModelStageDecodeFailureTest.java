package io.clipline.worker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A failed decode refuses its frame with a reason, except when the JVM ran out of memory, which
 * says nothing about the frame and fails the batch instead of dead-lettering a good part.
 */
class ModelStageDecodeFailureTest {
  @Test
  void shouldRefuseAFrameWhoseDecodeThrewAndInferTheRest() throws Exception {
    TestBatches.RecordingScorer scorer = new TestBatches.RecordingScorer(Integer.MAX_VALUE);
    try (ModelStage<Void> stage = new ModelStage<>(scorer)) {
      PolledFrame broken = failedDecode("broken", 1, new IllegalStateException("codec bug"));
      StagedBatch<Void> staged = stage.await(
          stage.submit(List.of(TestBatches.polled("good", 0), broken)));

      assertEquals(1, staged.ready().size());
      assertEquals(1, staged.refused().size());
      FrameRejectedException reason = staged.refused().get(0).reason();
      assertEquals("decode.failed", reason.reasonCode());
      assertEquals(List.of("good/1"), TestBatches.RecordingScorer.names(scorer.inferred));
    }
  }

  @Test
  void shouldFailTheBatchNotRefuseTheFrameWhenDecodingRanOutOfMemory() throws Exception {
    TestBatches.RecordingScorer scorer = new TestBatches.RecordingScorer(Integer.MAX_VALUE);
    try (ModelStage<Void> stage = new ModelStage<>(scorer)) {
      OutOfMemoryError oom = new OutOfMemoryError("Java heap space");
      ModelStage.Submitted<Void> submitted = stage.submit(
          List.of(TestBatches.polled("good", 0), failedDecode("big", 1, oom)));

      OutOfMemoryError thrown = assertThrows(OutOfMemoryError.class, () -> stage.await(submitted));
      assertSame(oom, thrown);
      assertEquals(List.of(), TestBatches.RecordingScorer.names(scorer.inferred),
          "no model run for a batch whose decode ran out of memory");
    }
  }

  private static PolledFrame failedDecode(String frameId, long offset, Throwable cause) {
    PolledFrame template = TestBatches.polled(frameId, offset);
    return new PolledFrame(template.record(), CompletableFuture.failedFuture(cause),
        template.polledNanos(), template.polledMillis());
  }
}
