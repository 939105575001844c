package io.clipline.inference;

import io.clipline.imaging.TileLayout;
import io.clipline.imaging.TileLayout.Axis;
import io.clipline.model.ImageFeatures;
import io.clipline.model.ImageFeatures.PatchLayer;
import io.clipline.scoring.FrameFeatures;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Stitches the image tower's outputs for the tiles of a frame into the engine's one {@link
 * FrameFeatures} of the frame: each patch layer on the frame-level grid of its {@link
 * TileLayout} (each cell from the tile whose centre is nearest, see there), the embedding the
 * mean of the tiles' embeddings (each tile weighted alike), and the anomaly map at the content
 * size, one map pixel per input pixel as for an untiled frame. Stateless.
 */
final class TileStitcher {
  private TileStitcher() {}

  /** The frame whose tiles are {@code first .. first + layout.tiles() - 1} of {@code tiles}. */
  static FrameFeatures stitch(ImageFeatures tiles, int first, TileLayout layout) {
    if (first < 0 || first + layout.tiles() > tiles.batch()) {
      throw new IllegalArgumentException("tiles: expected " + layout.tiles() + " tiles from "
          + first + ", the batch holds " + tiles.batch());
    }
    Axis x = layout.x();
    Axis y = layout.y();
    int rows = layout.gridRows();
    int cols = layout.gridCols();
    // Per stitched row and column: the source tile's row/column and the cell within it.
    int[] tileRow = new int[rows];
    int[] cellRow = new int[rows];
    for (int r = 0; r < rows; r++) {
      tileRow[r] = y.sourceTile(r);
      cellRow[r] = y.localCell(r, tileRow[r]);
    }
    int[] tileCol = new int[cols];
    int[] cellCol = new int[cols];
    for (int c = 0; c < cols; c++) {
      tileCol[c] = x.sourceTile(c);
      cellCol[c] = x.localCell(c, tileCol[c]);
    }
    List<float[]> layers = new ArrayList<>(tiles.layers().size());
    for (PatchLayer layer : tiles.layers()) {
      int dim = layer.dim();
      float[] out = new float[rows * cols * dim];
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          int tile = first + tileRow[r] * x.count() + tileCol[c];
          int patch = cellRow[r] * layer.cols() + cellCol[c];
          System.arraycopy(layer.values(), layer.offset(tile, patch), out, (r * cols + c) * dim,
              dim);
        }
      }
      layers.add(out);
    }
    float[] embedding = tiles.embeddings().map(e -> mean(e, first, layout.tiles())).orElse(null);
    return new FrameFeatures(rows, cols, layers, embedding, y.content(), x.content());
  }

  /** The element-wise mean of {@code rows[first, first + n)}. */
  private static float[] mean(float[][] rows, int first, int n) {
    float[] sum = new float[rows[first].length];
    for (int i = first; i < first + n; i++) {
      for (int j = 0; j < sum.length; j++) {
        sum[j] += rows[i][j];
      }
    }
    for (int j = 0; j < sum.length; j++) {
      sum[j] /= n;
    }
    return sum;
  }

  /** The outputs of several encoder runs as one batch, in order. */
  static ImageFeatures concat(List<ImageFeatures> runs) {
    if (runs.size() == 1) {
      return runs.get(0);
    }
    int batch = runs.stream().mapToInt(ImageFeatures::batch).sum();
    Optional<float[][]> embeddings = runs.get(0).embeddings().map(e -> {
      float[][] all = new float[batch][];
      int n = 0;
      for (ImageFeatures run : runs) {
        for (float[] row : run.embeddings().orElseThrow()) {
          all[n++] = row;
        }
      }
      return all;
    });
    List<PatchLayer> layers = new ArrayList<>();
    for (int l = 0; l < runs.get(0).layers().size(); l++) {
      PatchLayer head = runs.get(0).layers().get(l);
      float[] values = new float[batch * head.rows() * head.cols() * head.dim()];
      int at = 0;
      for (ImageFeatures run : runs) {
        float[] part = run.layers().get(l).values();
        System.arraycopy(part, 0, values, at, part.length);
        at += part.length;
      }
      layers.add(new PatchLayer(head.layer(), head.rows(), head.cols(), head.dim(), values));
    }
    return new ImageFeatures(batch, embeddings, layers);
  }
}
