package io.clipline.imaging;

import io.clipline.model.ModelManifest.ImageTower;
import io.clipline.model.ModelManifest.ResizeMode;
import io.clipline.model.ModelManifest.Tiling;
import java.util.Arrays;

/**
 * Where the model-size tiles of one frame lie, for {@link ResizeMode#LETTERBOX} and {@link
 * ResizeMode#TILE}, and how their patch grids stitch into one frame-level grid. Pure geometry:
 * no pixels, no OpenCV.
 *
 * <p>The frame is first resized to its <em>content</em> size, in input pixels: the frame's size
 * times the scale, rounded to whole grid cells (at least one cell). LETTERBOX uses the largest
 * scale at which the frame fits the input (the long side becomes the input size; the other side
 * is rounded to whole cells, so the aspect ratio is kept to within half a cell), and TILE the
 * manifest's {@link Tiling#scale()}. Because the content is a whole number of cells, the
 * stitched grid covers exactly the frame: its map maps back to the frame by a plain scale
 * ({@link #crop()}), with no padding inside the map.
 *
 * <p>Each axis is then covered by input-size tiles: a content no longer than the input has one
 * tile, the content centred in it (offset rounded down to whole cells) and the rest padded;
 * a longer content has tiles every {@code input - overlap} pixels, the last one moved back to
 * end at the content's edge. Every tile start is a whole number of cells, so each tile's grid
 * cells coincide with cells of the frame grid.
 *
 * <p>Stitching rule: each frame-grid cell takes its features from the tile whose centre is
 * nearest to the cell's centre (per axis; ties to the earlier tile). Every stitched feature is
 * then a genuine output of the tower, computed where the cell lies farthest from a tile border
 * (where zero padding inside the network changes the features); averaging overlapping tiles
 * instead would mix border-affected features in and produce vectors the tower never outputs.
 * With no overlap it is simply each tile's own cells.
 *
 * @param frameWidth frame width in pixels
 * @param frameHeight frame height in pixels
 * @param x the horizontal axis
 * @param y the vertical axis
 */
public record TileLayout(int frameWidth, int frameHeight, Axis x, Axis y) {

  public TileLayout {
    if (frameWidth <= 0 || frameHeight <= 0) {
      throw new IllegalArgumentException(
          "frame: expected a positive size, got " + frameWidth + " × " + frameHeight);
    }
  }

  /** The layout of a {@code width × height} frame under {@code spec} (LETTERBOX or TILE). */
  public static TileLayout of(int width, int height, ImageTower spec) {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException(
          "frame: expected a positive size, got " + width + " × " + height);
    }
    int cellW = spec.cellWidth();
    int cellH = spec.cellHeight();
    if (spec.resize() == ResizeMode.LETTERBOX) {
      double scale = Math.min((double) spec.width() / width, (double) spec.height() / height);
      return new TileLayout(width, height,
          Axis.cover(content(width, scale, cellW, spec.width()), spec.width(), cellW, 0),
          Axis.cover(content(height, scale, cellH, spec.height()), spec.height(), cellH, 0));
    }
    if (spec.resize() == ResizeMode.TILE) {
      Tiling t = spec.tile().orElseThrow();
      return new TileLayout(width, height,
          Axis.cover(content(width, t.scale(), cellW, Integer.MAX_VALUE), spec.width(), cellW,
              t.overlap()),
          Axis.cover(content(height, t.scale(), cellH, Integer.MAX_VALUE), spec.height(), cellH,
              t.overlap()));
    }
    throw new IllegalArgumentException("resize " + spec.resize() + " does not tile");
  }

  /** {@code size * scale} rounded to whole cells, within [cell, max]. */
  static int content(int size, double scale, int cell, int max) {
    long cells = Math.round(size * scale / cell);
    long content = Math.max(1, cells) * cell;
    return (int) Math.min(content, max / cell * (long) cell);
  }

  /** Tiles of the frame, row-major: tile {@code i} is at column {@code i % x().count()}. */
  public int tiles() {
    return x.count() * y.count();
  }

  /** Rows of the stitched frame grid. */
  public int gridRows() {
    return y.cells();
  }

  /** Columns of the stitched frame grid. */
  public int gridCols() {
    return x.cells();
  }

  /** Where the stitched map lies in the frame: all of it, scaled to the content size. */
  public CropGeometry crop() {
    return new CropGeometry(frameWidth, frameHeight, 0, 0, frameWidth, frameHeight);
  }

  /**
   * One axis of a layout, in input pixels of the resized frame (the content).
   *
   * @param content content length, a whole number of cells
   * @param tile tile length (the model input's)
   * @param cell grid cell length
   * @param starts where each tile starts in the content; negative for a padded single tile
   */
  public record Axis(int content, int tile, int cell, int[] starts) {

    public Axis {
      if (cell <= 0 || content <= 0 || tile <= 0 || content % cell != 0 || tile % cell != 0) {
        throw new IllegalArgumentException("axis: expected positive lengths in whole cells, got"
            + " content " + content + ", tile " + tile + ", cell " + cell);
      }
      starts = starts.clone();
      if (starts.length == 0) {
        throw new IllegalArgumentException("starts: expected at least one tile");
      }
      for (int s : starts) {
        if (s % cell != 0) {
          throw new IllegalArgumentException("starts: expected whole cells, got " + s);
        }
      }
    }

    /** The tiles covering {@code content} with neighbours sharing {@code overlap} pixels. */
    static Axis cover(int content, int tile, int cell, int overlap) {
      if (content <= tile) {
        int pad = (tile - content) / 2 / cell * cell;
        return new Axis(content, tile, cell, new int[] {-pad});
      }
      int stride = tile - overlap;
      int count = (content - tile + stride - 1) / stride + 1;
      int[] starts = new int[count];
      for (int i = 0; i < count; i++) {
        starts[i] = Math.min(i * stride, content - tile);
      }
      return new Axis(content, tile, cell, starts);
    }

    /** The tile starts, a copy. */
    @Override
    public int[] starts() {
      return starts.clone();
    }

    /** Where tile {@code i} starts in the content. */
    public int start(int i) {
      return starts[i];
    }

    /** Tiles along this axis. */
    public int count() {
      return starts.length;
    }

    /** Cells of the stitched grid along this axis. */
    public int cells() {
      return content / cell;
    }

    /** The tile that cell {@code c} of the stitched grid is taken from: the nearest centre. */
    public int sourceTile(int c) {
      // Twice the positions, to stay in integers: cell centre (2c + 1) * cell / 2.
      long centre = (2L * c + 1) * cell;
      int best = 0;
      long bestDistance = Long.MAX_VALUE;
      for (int i = 0; i < starts.length; i++) {
        long distance = Math.abs(2L * starts[i] + tile - centre);
        if (distance < bestDistance) {
          best = i;
          bestDistance = distance;
        }
      }
      return best;
    }

    /** The cell of tile {@code i}'s own grid that is cell {@code c} of the stitched grid. */
    public int localCell(int c, int i) {
      return c - starts[i] / cell;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Axis a && a.content == content && a.tile == tile && a.cell == cell
          && Arrays.equals(a.starts, starts);
    }

    @Override
    public int hashCode() {
      return 31 * (31 * (31 * content + tile) + cell) + Arrays.hashCode(starts);
    }

    @Override
    public String toString() {
      return "Axis[content=" + content + ", tile=" + tile + ", cell=" + cell + ", starts="
          + Arrays.toString(starts) + "]";
    }
  }
}
