package io.clipline.worker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FrameBatcherTest {
  @Test
  void shouldCloseABatchAtMaxBatchFrames() throws InterruptedException {
    FrameBatcher<Integer> batcher = new FrameBatcher<>(3, 60_000);
    for (int i = 0; i < 5; i++) {
      batcher.add(i);
    }
    assertEquals(List.of(0, 1, 2), batcher.nextBatch(0));
    assertEquals(2, batcher.size());
  }

  @Test
  void shouldCloseAPartialBatchWhenItsLingerRunsOut() throws InterruptedException {
    FrameBatcher<Integer> batcher = new FrameBatcher<>(8, 20);
    batcher.add(1);
    batcher.add(2);
    assertEquals(List.of(1, 2), batcher.nextBatch(1_000));
    assertEquals(List.of(), batcher.nextBatch(0));
  }

  @Test
  void shouldHandOutOnlyReadyBatchesWithoutWaiting() throws InterruptedException {
    FrameBatcher<Integer> batcher = new FrameBatcher<>(2, 60_000);
    assertEquals(List.of(), batcher.readyBatch(), "empty");
    batcher.add(1);
    long start = System.nanoTime();
    assertEquals(List.of(), batcher.readyBatch(), "one frame, linger not over");
    assertTrue(System.nanoTime() - start < 1_000_000_000L, "readyBatch must not wait");
    batcher.add(2);
    batcher.add(3);
    assertEquals(List.of(1, 2), batcher.readyBatch(), "full");
    assertEquals(1, batcher.size());
  }

  @Test
  void shouldHandOutAPartialBatchOnceItsLingerRanOut() throws InterruptedException {
    FrameBatcher<Integer> batcher = new FrameBatcher<>(8, 5);
    batcher.add(1);
    Thread.sleep(50);
    assertEquals(List.of(1), batcher.readyBatch());
  }
}
