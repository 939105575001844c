package io.clipline.worker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class InFlightFramesTest {
  private final InFlightFrames frames = new InFlightFrames(8, 0);

  @Test
  void shouldCountFramesUntilTheirBatchIsDone() throws Exception {
    frames.add(TestBatches.polled("a", 0, 0));
    frames.add(TestBatches.polled("b", 0, 1));
    List<PolledFrame> batch = frames.nextBatch(0);

    assertEquals(2, batch.size());
    assertEquals(2, frames.count(), "taken into a batch is still in flight");
    assertEquals(0, frames.waiting());
    frames.done(batch.size());
    assertEquals(0, frames.count());
  }

  @Test
  void shouldDropAndCancelOnlyTheWaitingFramesOfThePartitionsGiven() {
    PolledFrame keep = TestBatches.polled("keep", 0, 0);
    CompletableFuture<FrameIntake.Prepared> decoding = new CompletableFuture<>();
    PolledFrame drop = new PolledFrame(TestBatches.polled("drop", 1, 0).record(), decoding, 0, 0);
    frames.add(keep);
    frames.add(drop);

    assertEquals(1, frames.drop(List.of(new TopicPartition(TestBatches.TOPIC, 1))));
    assertTrue(decoding.isCancelled());
    assertFalse(keep.prepared().isCancelled());
    assertEquals(1, frames.count());
    assertEquals(List.of(keep), frames.readyBatch());
  }

  @Test
  void shouldRefuseFramesOfAFencedPartitionUntilItsRewindTookEffect() throws Exception {
    TopicPartition p0 = new TopicPartition(TestBatches.TOPIC, 0);
    frames.add(TestBatches.polled("waiting", 0, 4));
    frames.add(TestBatches.polled("other", 1, 0));

    frames.fence(List.of(p0));
    assertEquals(1, frames.count(), "the waiting frame past the rewind point is dropped");
    CompletableFuture<FrameIntake.Prepared> decoding = new CompletableFuture<>();
    assertFalse(frames.add(new PolledFrame(TestBatches.polled("late", 0, 5).record(), decoding, 0, 0)),
        "fetched before the seek: refused");
    assertTrue(decoding.isCancelled());
    frames.rewound(List.of(p0));
    assertTrue(frames.add(TestBatches.polled("again", 0, 0)), "consumed again after the seek");

    List<String> ids = frames.nextBatch(0).stream().map(f -> f.record().offset() + "@"
        + f.record().partition()).toList();
    assertEquals(List.of("0@1", "0@0"), ids);
    assertEquals(2, frames.count());
  }

  @Test
  void shouldTurnFramesInBatchesStaleWhenTheirPartitionIsLostOrRewound() throws Exception {
    TopicPartition p0 = new TopicPartition(TestBatches.TOPIC, 0);
    frames.add(TestBatches.polled("a", 0, 0));
    List<PolledFrame> taken = frames.nextBatch(0);
    assertTrue(frames.isCurrent(taken));

    frames.lose(List.of(p0));

    assertFalse(frames.isCurrent(taken), "never to be judged or committed");
    frames.add(TestBatches.polled("b", 0, 0)); // owned again later: a new epoch
    assertTrue(frames.isCurrent(frames.readyBatch()));
  }
}
