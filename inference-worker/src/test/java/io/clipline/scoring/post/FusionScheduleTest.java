package io.clipline.scoring.post;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import io.clipline.scoring.ScoringConfig;
import org.junit.jupiter.api.Test;

class FusionScheduleTest {
  private static final float[] RARITY = {0.3f, 0.6f};
  private static final float[] TEXT = {0.9f, 0.0f};
  private final FusionSchedule schedule = new FusionSchedule(ScoringConfig.defaults());

  @Test
  void shouldUseRarityAloneWithoutTextMap() {
    float[] out = schedule.fuse(1, 0, RARITY, null);
    assertArrayEquals(RARITY, out);
    assertNotSame(RARITY, out);
  }

  @Test
  void shouldUseTextAloneForTheFirstFramesAndWhileMemoryIsEmpty() {
    assertArrayEquals(TEXT, schedule.fuse(1, 5, RARITY, TEXT));
    assertArrayEquals(TEXT, schedule.fuse(30, 0, RARITY, TEXT));
  }

  @Test
  void shouldSwitchFromEarlyToLateWeightsAfterEarlyFrames() {
    // Defaults: early 2/3 rarity + 2/3 text up to frame 4, then 4/3 rarity + 1/3 text.
    float[] early = schedule.fuse(4, 3, RARITY, TEXT);
    float[] late = schedule.fuse(5, 4, RARITY, TEXT);
    assertArrayEquals(
        new float[] {(float) (2.0 / 3 * 0.3f + 2.0 / 3 * 0.9f), (float) (2.0 / 3 * 0.6f)}, early);
    assertArrayEquals(
        new float[] {(float) (4.0 / 3 * 0.3f + 1.0 / 3 * 0.9f), (float) (4.0 / 3 * 0.6f)}, late);
  }
}
