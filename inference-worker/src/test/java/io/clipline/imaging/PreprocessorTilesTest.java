package io.clipline.imaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clipline.model.ModelManifest.ChannelOrder;
import io.clipline.model.ModelManifest.ImageTower;
import io.clipline.model.ModelManifest.Interpolation;
import io.clipline.model.ModelManifest.PatchOutput;
import io.clipline.model.ModelManifest.ResizeMode;
import io.clipline.model.ModelManifest.Tiling;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PreprocessorTilesTest {
  /** 16 × 16 input, 4 × 4 grid (4-pixel cells), mean 0 and std 1: a byte v becomes v / 255. */
  private static Preprocessor preprocessor(ResizeMode resize, Optional<Tiling> tile) {
    return new Preprocessor(new ImageTower("image.onnx", Optional.empty(), "pixel_values", 16, 16,
        resize, Interpolation.AREA, ChannelOrder.RGB, new float[] {0, 0, 0},
        new float[] {1, 1, 1}, 4, 4, Optional.empty(), List.of(new PatchOutput("p", 1, 2)),
        tile));
  }

  /** A gray frame whose pixel (x, y) is {@code 6x + y}. */
  private static DecodedFrame ramp(int width, int height) {
    byte[] pixels = new byte[width * height];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        pixels[y * width + x] = (byte) (6 * x + y);
      }
    }
    return new DecodedFrame(width, height, 1, pixels);
  }

  @Test
  void shouldWriteEachTileFromItsPlaceInTheFrameAndPadOutsideWithTheMean() {
    Preprocessor preprocessor =
        preprocessor(ResizeMode.TILE, Optional.of(new Tiling(4, 1.0)));
    Preprocessor.PreparedFrame tiles = preprocessor.prepare(ramp(40, 4));

    TileLayout layout = tiles.layout().orElseThrow();
    assertEquals(3, tiles.tiles());
    assertArrayEquals(new int[] {0, 12, 24}, layout.x().starts());
    assertArrayEquals(new int[] {-4}, layout.y().starts(), "4 rows centred in 16, on a cell");
    float[] out = new float[3 * 256 * 3];
    for (int t = 0; t < 3; t++) {
      tiles.write(t, out, t * 768);
    }
    for (int t = 0; t < 3; t++) {
      for (int c = 0; c < 3; c++) {
        for (int y = 0; y < 16; y++) {
          for (int x = 0; x < 16; x++) {
            int fy = y - 4;
            int fx = x + layout.x().start(t);
            float expected = fy < 0 || fy >= 4 ? 0f : (6 * fx + fy) / 255f;
            assertEquals(expected, out[t * 768 + c * 256 + y * 16 + x], 1e-6f,
                "tile " + t + ", channel " + c + " at " + x + ", " + y);
          }
        }
      }
    }
  }

  @Test
  void shouldLetterboxToWholeCellsCoveringTheFrame() {
    Preprocessor preprocessor = preprocessor(ResizeMode.LETTERBOX, Optional.empty());
    Preprocessor.PreparedFrame tiles = preprocessor.prepare(ramp(64, 24));
    TileLayout layout = tiles.layout().orElseThrow();

    // 64 × 24 to fit 16: 16 × 6, rounded to 16 × 8 (2 cells), centred at row 4.
    assertEquals(16, layout.x().content());
    assertEquals(8, layout.y().content());
    assertArrayEquals(new int[] {-4}, layout.y().starts());
    assertEquals(new CropGeometry(64, 24, 0, 0, 64, 24), layout.crop());
    assertEquals(layout.crop(), tiles.crop());
    assertThrows(IndexOutOfBoundsException.class, () -> tiles.write(1, new float[768], 0));
    float[] out = new float[768];
    tiles.write(0, out, 0);
    for (int y = 0; y < 16; y++) {
      boolean padding = y < 4 || y >= 12;
      for (int x = 0; x < 16; x++) {
        float v = out[y * 16 + x];
        assertTrue(padding ? v == 0f : v > 0f, "at " + x + ", " + y + ": " + v);
      }
    }
  }

  @Test
  void shouldRefuseToPreprocessATilingModeAsOneImage() {
    Preprocessor preprocessor = preprocessor(ResizeMode.LETTERBOX, Optional.empty());

    assertThrows(IllegalStateException.class,
        () -> preprocessor.preprocess(ramp(4, 4), new float[768], 0));
  }
}
