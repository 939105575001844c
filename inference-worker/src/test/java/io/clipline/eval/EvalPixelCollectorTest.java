package io.clipline.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EvalPixelCollectorTest {
  private static final double TOL = 1e-9;

  /**
   * Two 1 × 4 images. A: map {.9, .8, .1, .4}, region r1 = pixels 0–1. B: map {.3, .6, .2, .7},
   * region r2 = pixel 1. Five normal pixels; each r1 pixel weighs 1/(2·2), the r2 pixel 1/2.
   * Descending: .9 → (0, .25), .8 → (0, .5), .7 → (.2, .5), .6 → (.2, 1), .4 → (.4, 1) …
   * Area to FPR .3: .2·.5 + .1·1 = .2; normalised .2 / .3.
   */
  private static PixelCollector tinyPair() {
    PixelCollector c = new PixelCollector(1);
    c.add(new float[] {0.9f, 0.8f, 0.1f, 0.4f}, 1, 4, new boolean[] {true, true, false, false});
    c.add(new float[] {0.3f, 0.6f, 0.2f, 0.7f}, 1, 4, new boolean[] {false, true, false, false});
    return c;
  }

  @Test
  void shouldComputeAuproWhenTwoImagesHaveOneRegionEach() {
    PixelCollector c = tinyPair();
    assertEquals(2, c.regionCount());
    assertEquals(2.0 / 3, c.aupro(0.3), TOL);
  }

  @Test
  void shouldComputePixelAurocWhenTwoImagesHaveOneRegionEach() {
    // positives {.9, .8, .6} vs negatives {.1, .4, .3, .2, .7}: (5 + 5 + 4) / 15
    assertEquals(14.0 / 15, tinyPair().auroc(), TOL);
  }

  @Test
  void shouldScoreEachDefectTypesPixelsAgainstEveryNormalPixelWhenTypesAreNamed() {
    PixelCollector c = new PixelCollector(1);
    // A (type "hole"): positives {.9, .8}; B (type "crack"): positive {.6}; a good image adds
    // normal pixels {.5, .95}. Negatives: {.1, .4, .3, .2, .7, .5, .95}.
    c.add(new float[] {0.9f, 0.8f, 0.1f, 0.4f}, 1, 4, new boolean[] {true, true, false, false},
        "hole");
    c.add(new float[] {0.3f, 0.6f, 0.2f, 0.7f}, 1, 4, new boolean[] {false, true, false, false},
        "crack");
    c.add(new float[] {0.5f, 0.95f}, 1, 2, null, null);
    var perType = c.aurocPerType();
    assertEquals(java.util.Set.of("hole", "crack"), perType.keySet());
    // .9 and .8 each beat 6 of the 7 negatives; .6 beats 5 of them.
    assertEquals(12.0 / 14, perType.get("hole"), TOL);
    assertEquals(5.0 / 7, perType.get("crack"), TOL);
    // The pooled AUROC counts every positive pixel once: (6 + 6 + 5) / 21.
    assertEquals(17.0 / 21, c.auroc(), TOL);
  }

  @Test
  void shouldLeaveUntypedDefectsOutOfThePerTypeAurocButInThePooledOne() {
    PixelCollector c = tinyPair();
    assertTrue(c.aurocPerType().isEmpty(), "no type named");
    assertEquals(14.0 / 15, c.auroc(), TOL);
  }

  @Test
  void shouldGiveFullAuproWhenEveryRegionPixelOutscoresEveryNormalPixel() {
    PixelCollector c = new PixelCollector(1);
    c.add(new float[] {0.9f, 0.1f, 0.2f, 0.3f}, 2, 2, new boolean[] {true, false, false, false});
    assertEquals(1.0, c.aupro(0.3), TOL);
  }

  @Test
  void shouldKeepOneNormalPixelPerStrideSquareWhenSampling() {
    PixelCollector c = new PixelCollector(2);
    c.add(new float[16], 4, 4, null);
    assertEquals(4, c.negativeCount());
    assertTrue(Double.isNaN(c.aupro(0.3)), "no regions: undefined");
  }

  @Test
  void shouldJoinDiagonalNeighboursWhenLabellingRegions() {
    boolean[] truth = {
      true, false, false,
      false, true, false,
      false, false, true
    };
    assertArrayEquals(new int[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, PixelCollector.components(truth, 3, 3));
    boolean[] apart = {true, false, true};
    assertArrayEquals(new int[] {1, 0, 2}, PixelCollector.components(apart, 1, 3));
  }
}
