package io.clipline.camera.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The pacing schedule as a pure function of frame index and clock readings. */
class CameraPacingScheduleTest {
  private static final long START = 1_000_000_000L;
  private static final long ONE_SECOND = TimeUnit.SECONDS.toNanos(1);

  @Test
  void shouldSpaceFramesEvenlyWhenRateIsConstant() {
    PacingSchedule schedule = PacingSchedule.startingAt(100, START);

    for (long k = 0; k < 1_000; k++) {
      assertEquals(START + k * 10_000_000L, schedule.dueNanos(k), "frame " + k);
    }
  }

  @Test
  void shouldNotDriftWhenSpacingIsNotAWholeNumberOfNanoseconds() {
    PacingSchedule schedule = PacingSchedule.startingAt(3, START);

    // 1/3 s is 333,333,333.3 ns: accumulated, the error would reach seconds after 3 M frames.
    assertEquals(START + 1_000_000L * ONE_SECOND, schedule.dueNanos(3_000_000L));
    assertEquals(START + 333_333_333L, schedule.dueNanos(1));
  }

  @Test
  void shouldWaitUntilDueWhenAheadAndNotAtAllWhenLate() {
    PacingSchedule schedule = PacingSchedule.startingAt(10, START);

    assertEquals(100_000_000L, schedule.waitNanos(1, START));
    assertEquals(40_000_000L, schedule.waitNanos(1, START + 60_000_000L));
    assertEquals(0, schedule.waitNanos(1, START + 500_000_000L));
  }

  @Test
  void shouldKeepScheduleWhenLagIsWithinLimit() {
    PacingSchedule schedule = PacingSchedule.startingAt(10, START);

    // Frame 5 is due at START + 0.5 s; at START + 1.2 s it is 0.7 s late, under the 1 s limit.
    assertSame(schedule, schedule.catchUp(5, START + 1_200_000_000L, ONE_SECOND));
  }

  @Test
  void shouldResumeNormalSpacingInsteadOfBurstingWhenStalledBeyondLimit() {
    PacingSchedule schedule = PacingSchedule.startingAt(50, START);
    long afterStall = START + 5 * ONE_SECOND;

    PacingSchedule resumed = schedule.catchUp(10, afterStall, ONE_SECOND);

    assertEquals(afterStall, resumed.dueNanos(10));
    assertEquals(afterStall + 20_000_000L, resumed.dueNanos(11));
    assertEquals(20_000_000L, resumed.waitNanos(11, afterStall));
    assertTrue(schedule.waitNanos(11, afterStall) == 0, "the old schedule would burst");
  }

  @ParameterizedTest
  @ValueSource(doubles = {0, -1, Double.NaN, Double.POSITIVE_INFINITY})
  void shouldRejectRateWhenNotPositiveAndFinite(double rate) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PacingSchedule.startingAt(rate, START));
    assertTrue(e.getMessage().contains("framesPerSecond"), e.getMessage());
  }
}
