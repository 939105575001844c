package io.clipline.scoring.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clipline.scoring.internal.Vectors;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WithinFrameRarityTest {
  private static final int DIM = 8;

  /** A rows x cols grid of unit vectors near {@code base}, with small noise. */
  private static float[] surface(int rows, int cols, long seed) {
    Random rnd = new Random(seed);
    float[] x = new float[rows * cols * DIM];
    for (int n = 0; n < rows * cols; n++) {
      x[n * DIM] = 1f;
      for (int d = 1; d < DIM; d++) {
        x[n * DIM + d] = (float) (0.05 * rnd.nextGaussian());
      }
    }
    Vectors.normalizeRows(x, rows * cols, DIM);
    return x;
  }

  private static void paint(float[] x, int cols, int r, int c, int axis) {
    int o = (r * cols + c) * DIM;
    java.util.Arrays.fill(x, o, o + DIM, 0f);
    x[o + axis] = 1f;
  }

  @Test
  void shouldMakeAPatchUnlikeTheRestOfItsFrameTheRarest() {
    float[] x = surface(10, 10, 1);
    paint(x, 10, 4, 6, 3);
    float[] r = WithinFrameRarity.of(x, 10, 10, DIM, 3, 0.99);
    int rarest = 0;
    for (int n = 1; n < r.length; n++) {
      rarest = r[n] > r[rarest] ? n : rarest;
    }
    assertEquals(4 * 10 + 6, rarest);
    assertTrue(r[rarest] > 0.85f, "nearly orthogonal to every peer: " + r[rarest]);
    for (int n = 0; n < r.length; n++) {
      if (n != rarest) {
        assertTrue(r[n] < 0.05f, "surface patch " + n + " rarity " + r[n]);
      }
    }
  }

  @Test
  void shouldKeepADefectRareWhenItsOwnNeighboursShareIt() {
    // A 3 x 3 defect: every defect patch has 8 look-alikes, all within the exclusion block.
    float[] x = surface(12, 12, 2);
    for (int r = 5; r <= 7; r++) {
      for (int c = 5; c <= 7; c++) {
        paint(x, 12, r, c, 5);
      }
    }
    float[] rarity = WithinFrameRarity.of(x, 12, 12, DIM, 3, 0.99);
    assertTrue(rarity[6 * 12 + 6] > 0.9f, "defect centre " + rarity[6 * 12 + 6]);
    assertTrue(rarity[5 * 12 + 5] > 0.9f, "defect corner " + rarity[5 * 12 + 5]);
    assertTrue(rarity[0] < 0.05f, "surface " + rarity[0]);
  }

  @Test
  void shouldLetADefectAsLargeAsTheExclusionBlockFindItsOwnKind() {
    // Wider than the 5 x 5 block: its far ends vouch for each other. The term is meant for
    // defects smaller than that; the memory's rarity covers the large ones.
    float[] x = surface(12, 12, 3);
    for (int c = 1; c <= 10; c++) {
      paint(x, 12, 6, c, 5);
    }
    float[] rarity = WithinFrameRarity.of(x, 12, 12, DIM, 3, 0.99);
    assertTrue(rarity[6 * 12 + 1] < 0.05f, "a long scratch's end " + rarity[6 * 12 + 1]);
  }

  @Test
  void shouldScoreZeroWhenTheGridIsTooSmallForAnyPeer() {
    float[] x = surface(3, 3, 4);
    assertArrayEquals(new float[9], WithinFrameRarity.of(x, 3, 3, DIM, 3, 0.99));
  }

  @Test
  void shouldRefuseFeaturesOfTheWrongSize() {
    assertThrows(
        IllegalArgumentException.class,
        () -> WithinFrameRarity.of(new float[10], 2, 2, DIM, 3, 0.99));
  }
}
