package io.clipline.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clipline.schemas.FrameVerdict;
import io.clipline.schemas.StageLatencies;
import io.clipline.schemas.Verdict;
import java.time.Instant;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;

/** The demo's "keeping up" line: steady latency keeps up, growing latency fell behind. */
class VerdictTallyTest {
  @Test
  void shouldKeepUpWhenTheLatencyIsSteady() {
    VerdictTally.Pace pace = tally(40, i -> 900 + (i % 3) * 50).pace();

    assertTrue(pace.measured());
    assertFalse(pace.fellBehind(), pace.describe(8));
    assertTrue(pace.describe(8).startsWith("yes"), pace.describe(8));
  }

  @Test
  void shouldFallBehindWhenTheLatencyGrowsWithTheBacklog() {
    VerdictTally.Pace pace = tally(40, i -> 150 + i * 60).pace(); // 150 ms .. 2.5 s

    assertTrue(pace.fellBehind(), pace.describe(30));
    assertTrue(pace.describe(30).contains("FELL BEHIND") && pace.describe(30).contains("30 fps")
        && pace.describe(30).contains("latency grew"), pace.describe(30));
  }

  @Test
  void shouldFallBehindWhenTheVerdictsComeSecondsAfterCaptureThroughout() {
    // behind from the first frames on and never caught up: steady, but 3.8 s late
    VerdictTally.Pace pace = tally(40, i -> 3_800 + (i % 3) * 50).pace();

    assertTrue(pace.fellBehind(), pace.describe(4));
    assertTrue(pace.describe(4).contains("over 2000 ms"), pace.describe(4));
  }

  @Test
  void shouldNotJudgeWhenThereAreTooFewVerdicts() {
    VerdictTally.Pace pace = tally(7, i -> 100 + i * 1000).pace();

    assertFalse(pace.measured());
    assertFalse(pace.fellBehind());
    assertEquals("not measured (fewer than 8 verdicts)", pace.describe(8));
  }

  /** Verdicts in commit order, the i-th with the given capture-to-verdict latency. */
  private static VerdictTally tally(int verdicts, LongUnaryOperator latencyMs) {
    VerdictTally tally = new VerdictTally();
    for (int i = 0; i < verdicts; i++) {
      Instant captured = Instant.ofEpochMilli(1_000_000 + i * 125L);
      tally.onVerdict(FrameVerdict.newBuilder().setFrameId("f-" + i).setCameraId("l/s/c")
          .setLineId("l").setStationId("s").setSequence(i).setVerdict(Verdict.OK)
          .setCaptureTime(captured).setLatencies(StageLatencies.newBuilder().build())
          .setVerdictTime(captured.plusMillis(latencyMs.applyAsLong(i))).build());
    }
    return tally;
  }
}
