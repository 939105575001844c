package io.clipline.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ViewTransformTest {
  private static final int H = 6;
  private static final int W = 8;
  private static final int CELL = 2;
  private static final int ROWS = H / CELL;
  private static final int COLS = W / CELL;

  @ParameterizedTest
  @EnumSource(ViewTransform.class)
  void shouldMoveEachPixelToItsMirroredPlaceWhenAnImageIsTransformed(ViewTransform view) {
    float[] image = image();
    float[] out = new float[image.length + 5];

    view.transformImage(image, 0, out, 5, H, W);

    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
          int sy = view.flipsRows() ? H - 1 - y : y;
          int sx = view.flipsCols() ? W - 1 - x : x;
          assertEquals(image[(c * H + sy) * W + sx], out[5 + (c * H + y) * W + x],
              view + " channel " + c + " at (" + y + ", " + x + ")");
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(ViewTransform.class)
  void shouldGiveBackTheOriginalWhenAViewIsAppliedTwice(ViewTransform view) {
    float[] image = image();
    float[] once = new float[image.length];
    float[] twice = new float[image.length];

    view.transformImage(image, 0, once, 0, H, W);
    view.transformImage(once, 0, twice, 0, H, W);

    assertArrayEquals(image, twice);
  }

  /**
   * A stand-in tower whose patch is the mean of each cell: its patches of a view, aligned, must
   * be the patches of the image itself, patch for patch (the property the encoder relies on).
   */
  @ParameterizedTest
  @EnumSource(ViewTransform.class)
  void shouldPutEveryPatchBackAtItsFramePlaceWhenTokensAreAligned(ViewTransform view) {
    float[] image = image();
    float[] viewed = new float[image.length];
    view.transformImage(image, 0, viewed, 0, H, W);
    float[] tokens = cellMeans(viewed);
    float[] aligned = new float[tokens.length + 3];

    view.alignPatches(tokens, 0, aligned, 3, ROWS, COLS, 3);

    float[] expected = cellMeans(image);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], aligned[3 + i], 1e-6, view + " token value " + i);
    }
  }

  /** Distinct values everywhere, so any misplaced pixel shows. */
  private static float[] image() {
    float[] image = new float[3 * H * W];
    for (int i = 0; i < image.length; i++) {
      image[i] = (float) Math.sin(0.7 * i) + i / 100f;
    }
    return image;
  }

  /** [ROWS * COLS][3]: per cell, the mean of each channel over its CELL × CELL pixels. */
  private static float[] cellMeans(float[] chw) {
    float[] tokens = new float[ROWS * COLS * 3];
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
          int patch = (y / CELL) * COLS + x / CELL;
          tokens[patch * 3 + c] += chw[(c * H + y) * W + x] / (CELL * CELL);
        }
      }
    }
    return tokens;
  }
}
