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
import java.util.Random;
import org.junit.jupiter.api.Test;

class TileLayoutTest {
  /** A 224 × 224 tower with a 28 × 28 grid: 8-pixel cells. */
  static ImageTower tower(ResizeMode resize, Optional<Tiling> tile) {
    return new ImageTower("image.onnx", Optional.empty(), "pixel_values", 224, 224, resize,
        Interpolation.BILINEAR, ChannelOrder.RGB, new float[] {0, 0, 0}, new float[] {1, 1, 1},
        28, 28, Optional.empty(), List.of(new PatchOutput("p", 1, 4)), tile);
  }

  private static ImageTower tiled(int overlap, double scale) {
    return tower(ResizeMode.TILE, Optional.of(new Tiling(overlap, scale)));
  }

  @Test
  void shouldCoverALargeFrameWithOverlappingTilesTheLastEndingAtTheEdge() {
    TileLayout layout = TileLayout.of(1200, 800, tiled(32, 1.0));

    assertArrayEquals(new int[] {0, 192, 384, 576, 768, 960, 976}, layout.x().starts());
    assertArrayEquals(new int[] {0, 192, 384, 576}, layout.y().starts());
    assertEquals(28, layout.tiles());
    assertEquals(100, layout.gridRows());
    assertEquals(150, layout.gridCols());
    assertEquals(new CropGeometry(1200, 800, 0, 0, 1200, 800), layout.crop());
  }

  @Test
  void shouldAbutTilesWhenThereIsNoOverlap() {
    TileLayout layout = TileLayout.of(448, 224, tiled(0, 1.0));

    assertArrayEquals(new int[] {0, 224}, layout.x().starts());
    assertArrayEquals(new int[] {0}, layout.y().starts());
    assertEquals(0, layout.x().sourceTile(27));
    assertEquals(1, layout.x().sourceTile(28));
    assertEquals(0, layout.x().localCell(28, 1));
  }

  @Test
  void shouldScaleTheFrameToWholeCellsBeforeTiling() {
    TileLayout layout = TileLayout.of(1203, 797, tiled(0, 0.5));

    assertEquals(600, layout.x().content(), "601.5 px rounds to 75 cells");
    assertEquals(400, layout.y().content(), "398.5 px rounds to 50 cells");
    assertArrayEquals(new int[] {0, 224, 376}, layout.x().starts());
    assertArrayEquals(new int[] {0, 176}, layout.y().starts());
  }

  @Test
  void shouldPadAndCentreASmallFrameOnWholeCells() {
    TileLayout layout = TileLayout.of(100, 1000, tiled(16, 1.0));

    assertEquals(104, layout.x().content(), "12.5 cells round to 13");
    assertArrayEquals(new int[] {-56}, layout.x().starts(), "(224 - 104) / 2 = 60, down to 56");
    assertEquals(13, layout.gridCols());
    assertEquals(7, layout.x().localCell(0, 0));
    assertEquals(1, layout.x().count());
  }

  @Test
  void shouldGiveAFrameSmallerThanOneCellOneCell() {
    TileLayout layout = TileLayout.of(3, 2, tiled(0, 1.0));

    assertEquals(8, layout.x().content());
    assertEquals(8, layout.y().content());
    assertEquals(1, layout.tiles());
  }

  @Test
  void shouldLetterboxAWideFrameIntoOneTileKeepingItsAspectToHalfACell() {
    TileLayout layout = TileLayout.of(1200, 800, tower(ResizeMode.LETTERBOX, Optional.empty()));

    assertEquals(224, layout.x().content());
    assertEquals(152, layout.y().content(), "149.3 px rounds to 19 cells");
    assertArrayEquals(new int[] {0}, layout.x().starts());
    assertArrayEquals(new int[] {-32}, layout.y().starts(), "(224 - 152) / 2 = 36, down to 32");
    assertEquals(1, layout.tiles());
    assertEquals(19, layout.gridRows());
    assertEquals(28, layout.gridCols());
  }

  @Test
  void shouldLetterboxATallFrameAlike() {
    TileLayout layout = TileLayout.of(300, 1260, tower(ResizeMode.LETTERBOX, Optional.empty()));

    assertEquals(224, layout.y().content());
    assertEquals(56, layout.x().content(), "53.3 px rounds to 7 cells");
    assertEquals(28, layout.gridRows());
    assertEquals(7, layout.gridCols());
  }

  @Test
  void shouldSplitOverlapsAtTheirMiddleWhenCellsTakeTheNearestTileCentre() {
    TileLayout.Axis axis = TileLayout.of(416, 224, tiled(32, 1.0)).x();

    // Tiles [0, 224) and [192, 416), centres 112 and 304: the boundary is pixel 208, cell 26.
    assertArrayEquals(new int[] {0, 192}, axis.starts());
    assertEquals(0, axis.sourceTile(25));
    assertEquals(1, axis.sourceTile(26));
    assertEquals(2, axis.localCell(26, 1));
  }

  @Test
  void shouldTakeEveryCellFromATileThatContainsItForAnyFrameSize() {
    Random random = new Random(15);
    for (int trial = 0; trial < 500; trial++) {
      int overlap = 8 * random.nextInt(20);
      double scale = 0.1 + random.nextDouble() * 2;
      int w = 1 + random.nextInt(3000);
      int h = 1 + random.nextInt(3000);
      TileLayout layout = TileLayout.of(w, h, tiled(overlap, scale));
      for (TileLayout.Axis axis : List.of(layout.x(), layout.y())) {
        String where = w + " × " + h + ", overlap " + overlap + ", scale " + scale + ": " + axis;
        assertEquals(0, axis.content() % 8, where);
        for (int i = 0; i + 1 < axis.count(); i++) {
          assertTrue(axis.start(i + 1) - axis.start(i) <= 224 - overlap, where);
          assertTrue(axis.start(i + 1) > axis.start(i), where);
        }
        for (int c = 0; c < axis.cells(); c++) {
          int tile = axis.sourceTile(c);
          int local = axis.localCell(c, tile);
          assertTrue(local >= 0 && local < 28, where + ", cell " + c);
        }
      }
    }
  }

  @Test
  void shouldRefuseAModeThatDoesNotTile() {
    assertThrows(IllegalArgumentException.class,
        () -> TileLayout.of(10, 10, tower(ResizeMode.STRETCH, Optional.empty())));
  }
}
