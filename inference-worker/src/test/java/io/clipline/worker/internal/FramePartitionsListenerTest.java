package io.clipline.worker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class FramePartitionsListenerTest {
  private final TopicPartition p0 = new TopicPartition(TestBatches.TOPIC, 0);
  private final TopicPartition p1 = new TopicPartition(TestBatches.TOPIC, 1);
  private final InFlightFrames frames = new InFlightFrames(8, 0);
  private final ScoringPassLock pass = new ScoringPassLock();
  private final Set<TopicPartition> paused = new HashSet<>(List.of(p0, p1));
  private final AtomicInteger assigned = new AtomicInteger();
  private final AtomicInteger groupChanges = new AtomicInteger();
  private final FramePartitionsListener listener = new FramePartitionsListener(frames, pass,
      new ConsumerTasks(), () -> null, paused, null, assigned::incrementAndGet,
      groupChanges::incrementAndGet);

  @Test
  void shouldWaitForThePassInProgressAndDropTheRevokedPartitionsFrames() throws Exception {
    frames.add(TestBatches.polled("a", 0, 0));
    frames.add(TestBatches.polled("b", 1, 0));
    pass.lock(); // a pass in progress on the "scoring thread"
    CountDownLatch revoked = new CountDownLatch(1);
    Thread consumer = new Thread(() -> {
      listener.onPartitionsRevoked(List.of(p1));
      revoked.countDown();
    });
    consumer.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!pass.revocationPending() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertTrue(pass.revocationPending(), "the pass is told to commit");
    assertEquals(1, revoked.getCount(), "the revocation waits for the pass");
    pass.unlock();

    assertTrue(revoked.await(5, TimeUnit.SECONDS));
    assertEquals(1, frames.count());
    assertEquals(Set.of(p0), paused);
    assertEquals(0, assigned.get());
  }

  @Test
  void shouldCountOnlyNonEmptyAssignments() {
    listener.onPartitionsAssigned(List.of());
    listener.onPartitionsAssigned(List.of(p0));

    assertEquals(1, assigned.get());
  }

  @Test
  void shouldDropLostPartitionsWithoutWaiting() {
    frames.add(TestBatches.polled("a", 0, 0));
    pass.lock();
    try {
      listener.onPartitionsLost(List.of(p0));
    } finally {
      pass.unlock();
    }
    assertEquals(0, frames.count());
    assertEquals(Set.of(p1), paused);
  }

  @Test
  void shouldTakeTheGroupMetadataAnewInEveryCallback() {
    listener.onPartitionsRevoked(List.of(p1));
    listener.onPartitionsAssigned(List.of());
    listener.onPartitionsLost(List.of(p0));

    assertEquals(3, groupChanges.get());
  }

  @Test
  void shouldTurnTheFramesOfALostPartitionStaleEvenInABatch() throws Exception {
    frames.add(TestBatches.polled("a", 0, 0));
    List<PolledFrame> taken = frames.nextBatch(0);

    listener.onPartitionsLost(List.of(p0));

    assertFalse(frames.isCurrent(taken), "another member may own it: never committed here");
  }
}
