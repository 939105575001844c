package io.clipline.worker.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clipline.schemas.Verdict;
import io.clipline.worker.FrameResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * When a snapshot is due: the bound on the memory a hard kill costs, in frames as well as in
 * time.
 */
class ScorerStateKeeperIntervalTest {
  private static final long HOUR_MS = 3_600_000;

  @Test
  void shouldBeDueAfterIntervalFramesLongBeforeTheTimeIsUpAndCountAgainAfterASnapshot() {
    ScorerStateKeeper keeper = keeper(HOUR_MS, 3);

    keeper.scored(result("a"));
    keeper.scored(result("b"));
    assertFalse(keeper.snapshotDue(), "2 of 3 frames");
    keeper.scored(result("a"));
    assertTrue(keeper.snapshotDue(), "3 frames scored, over all scopes");

    keeper.publishSnapshots(null); // the topic was never read: nothing is sent
    assertFalse(keeper.snapshotDue(), "counted anew after the snapshot");
  }

  @Test
  void shouldSnapshotByTimeOnlyWhenIntervalFramesIsZeroAndNeverWhenIntervalMsIsZero() {
    ScorerStateKeeper byTime = keeper(HOUR_MS, 0);
    ScorerStateKeeper never = keeper(0, 1);
    for (int i = 0; i < 1_000; i++) {
      byTime.scored(result("a"));
      never.scored(result("a"));
    }

    assertFalse(byTime.snapshotDue());
    assertFalse(never.snapshotDue());
  }

  @Test
  void shouldBeDueWhenTheIntervalMsIsUpWithoutAnyFrame() throws InterruptedException {
    ScorerStateKeeper keeper = keeper(5, 1_000);
    Thread.sleep(10);

    assertTrue(keeper.snapshotDue());
  }

  private static ScorerStateKeeper keeper(long intervalMs, long intervalFrames) {
    return new ScorerStateKeeper(null, new ScorerStateReader("state", Map.of()), "state", "w",
        intervalMs, intervalFrames, () -> true);
  }

  private static FrameResult result(String scope) {
    return new FrameResult(Verdict.OK, 0, 0, 0, 1, "t", null, 0, scope, false, 1, null, List.of());
  }
}
