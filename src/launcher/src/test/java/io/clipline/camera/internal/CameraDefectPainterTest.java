package io.clipline.camera.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clipline.camera.DefectKind;
import io.clipline.camera.DefectMask;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every defect kind changes the pixels inside its mask, and only those. */
class CameraDefectPainterTest {
  private static final int SIZE = 128;

  @ParameterizedTest
  @EnumSource(DefectKind.class)
  void shouldChangePixelsInsideMaskOnlyWhenPaintingDefect(DefectKind kind) {
    for (long seed = 0; seed < 20; seed++) {
      int[] surface = surface(new SplittableRandom(seed));
      int[] painted = surface.clone();

      DefectMask mask =
          new DefectPainter(SIZE, SIZE).paint(kind, painted, new SplittableRandom(seed + 1000));

      assertFalse(mask.isEmpty(), kind + " seed " + seed + ": empty mask");
      int inside = 0;
      int changedInside = 0;
      long absoluteChange = 0;
      for (int i = 0; i < surface.length; i++) {
        boolean changed = painted[i] != surface[i];
        if (mask.pixels()[i] != 0) {
          inside++;
          changedInside += changed ? 1 : 0;
          absoluteChange += Math.abs(painted[i] - surface[i]);
        } else {
          assertFalse(changed, kind + " seed " + seed + ": pixel " + i + " outside the mask");
        }
        assertTrue(painted[i] >= 0 && painted[i] <= 255, "pixel value " + painted[i]);
      }
      assertEquals(inside, mask.area());
      assertTrue(changedInside >= 0.95 * inside,
          kind + " seed " + seed + ": changed " + changedInside + " of " + inside);
      assertTrue(absoluteChange / (double) inside >= 5,
          kind + " seed " + seed + ": mean change " + absoluteChange / (double) inside);
    }
  }

  /** A textured gray surface that also has near-black and near-white pixels. */
  private static int[] surface(SplittableRandom random) {
    int[] gray = new int[SIZE * SIZE];
    for (int i = 0; i < gray.length; i++) {
      gray[i] = random.nextInt(50) == 0 ? (random.nextBoolean() ? 2 : 253) : 60 + random.nextInt(140);
    }
    return gray;
  }
}
