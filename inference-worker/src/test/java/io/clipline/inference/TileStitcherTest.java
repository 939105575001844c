package io.clipline.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clipline.imaging.TileLayout;
import io.clipline.model.ImageFeatures;
import io.clipline.model.ImageFeatures.PatchLayer;
import io.clipline.model.ModelManifest.ChannelOrder;
import io.clipline.model.ModelManifest.ImageTower;
import io.clipline.model.ModelManifest.Interpolation;
import io.clipline.model.ModelManifest.PatchOutput;
import io.clipline.model.ModelManifest.ResizeMode;
import io.clipline.model.ModelManifest.Tiling;
import io.clipline.scoring.FrameFeatures;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TileStitcherTest {
  private static final int GRID = 28;

  private static ImageTower tower(ResizeMode resize, Optional<Tiling> tile) {
    return new ImageTower("image.onnx", Optional.empty(), "pixel_values", 224, 224, resize,
        Interpolation.BILINEAR, ChannelOrder.RGB, new float[] {0, 0, 0}, new float[] {1, 1, 1},
        GRID, GRID, Optional.empty(), List.of(new PatchOutput("p", 1, 2)), tile);
  }

  /**
   * Tower outputs for {@code frames} laid out as given, each tile's patch holding the frame-grid
   * cell it lies on ({@code [row, col]}, or {@code [-1, -1]} on padding) plus {@code offset}.
   */
  private static ImageFeatures positions(List<TileLayout> frames, float offset) {
    int tiles = frames.stream().mapToInt(TileLayout::tiles).sum();
    float[] values = new float[tiles * GRID * GRID * 2];
    float[][] embeddings = new float[tiles][];
    int t = 0;
    for (TileLayout layout : frames) {
      for (int i = 0; i < layout.tiles(); i++, t++) {
        int top = layout.y().start(i / layout.x().count()) / 8;
        int left = layout.x().start(i % layout.x().count()) / 8;
        for (int r = 0; r < GRID; r++) {
          for (int c = 0; c < GRID; c++) {
            int row = top + r;
            int col = left + c;
            boolean inside = row >= 0 && row < layout.gridRows() && col >= 0
                && col < layout.gridCols();
            int at = ((t * GRID + r) * GRID + c) * 2;
            values[at] = inside ? row + offset : -1;
            values[at + 1] = inside ? col + offset : -1;
          }
        }
        embeddings[t] = new float[] {t, 1};
      }
    }
    return new ImageFeatures(tiles, Optional.of(embeddings),
        List.of(new PatchLayer(1, GRID, GRID, 2, values)));
  }

  private static void assertCellsAtTheirOwnPlace(FrameFeatures f, TileLayout layout, float offset) {
    assertEquals(layout.gridRows(), f.rows());
    assertEquals(layout.gridCols(), f.cols());
    float[] values = f.layers().get(0);
    for (int r = 0; r < f.rows(); r++) {
      for (int c = 0; c < f.cols(); c++) {
        int at = (r * f.cols() + c) * 2;
        assertEquals(r + offset, values[at], "row of cell " + r + ", " + c);
        assertEquals(c + offset, values[at + 1], "col of cell " + r + ", " + c);
      }
    }
  }

  @Test
  void shouldPutEveryTileCellAtItsFrameCellWhenTilesOverlap() {
    TileLayout layout = TileLayout.of(1200, 800, tower(ResizeMode.TILE,
        Optional.of(new Tiling(32, 1.0))));

    FrameFeatures f = TileStitcher.stitch(positions(List.of(layout), 0), 0, layout);

    assertCellsAtTheirOwnPlace(f, layout, 0);
    assertEquals(800, f.outputHeight());
    assertEquals(1200, f.outputWidth());
    assertArrayEquals(new float[] {13.5f, 1f}, f.embedding(), 1e-6f, "mean of tiles 0..27");
  }

  @Test
  void shouldDropThePaddingOfASmallOrLetterboxedFrame() {
    TileLayout small = TileLayout.of(100, 500, tower(ResizeMode.TILE,
        Optional.of(new Tiling(16, 1.0))));
    TileLayout letterbox = TileLayout.of(1200, 800, tower(ResizeMode.LETTERBOX, Optional.empty()));

    assertCellsAtTheirOwnPlace(
        TileStitcher.stitch(positions(List.of(small), 0), 0, small), small, 0);
    FrameFeatures boxed = TileStitcher.stitch(positions(List.of(letterbox), 0), 0, letterbox);
    assertCellsAtTheirOwnPlace(boxed, letterbox, 0);
    assertEquals(152, boxed.outputHeight());
    assertEquals(224, boxed.outputWidth());
  }

  @Test
  void shouldStitchEachFrameOfABatchFromItsOwnTilesAcrossEncoderRuns() {
    ImageTower tower = tower(ResizeMode.TILE, Optional.of(new Tiling(0, 1.0)));
    TileLayout a = TileLayout.of(500, 300, tower);
    TileLayout b = TileLayout.of(300, 500, tower);
    ImageFeatures all = positions(List.of(a, b), 0);
    // The same outputs as three encoder runs of 5, 5 and the rest.
    ImageFeatures rejoined = TileStitcher.concat(List.of(
        slice(all, 0, 5), slice(all, 5, 10), slice(all, 10, all.batch())));

    assertCellsAtTheirOwnPlace(TileStitcher.stitch(rejoined, 0, a), a, 0);
    assertCellsAtTheirOwnPlace(TileStitcher.stitch(rejoined, a.tiles(), b), b, 0);
  }

  private static ImageFeatures slice(ImageFeatures all, int from, int to) {
    PatchLayer layer = all.layers().get(0);
    int per = GRID * GRID * 2;
    float[] values = Arrays.copyOfRange(layer.values(), from * per, to * per);
    float[][] embeddings = Arrays.copyOfRange(all.embeddings().orElseThrow(), from, to);
    return new ImageFeatures(to - from, Optional.of(embeddings),
        List.of(new PatchLayer(1, GRID, GRID, 2, values)));
  }
}
