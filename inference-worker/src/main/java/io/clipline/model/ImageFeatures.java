package io.clipline.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the image tower computed for a batch, copied out of native memory into plain arrays.
 *
 * @param batch the number of images
 * @param embeddings the global embedding per image, {@code [batch][E]}; empty when the manifest
 *     declares no {@code image.embedding}
 * @param layers the patch tokens, one entry per {@code image.patches} entry in manifest order, and
 *     that once per view of {@link ModelManifest.ImageTower#layerViews()} (the frame as it is
 *     last), every view's tokens on the frame's grid
 */
public record ImageFeatures(int batch, Optional<float[][]> embeddings, List<PatchLayer> layers) {

  public ImageFeatures {
    Objects.requireNonNull(embeddings, "embeddings");
    layers = List.copyOf(layers);
    if (batch < 1) {
      throw new IllegalArgumentException("batch: expected >= 1, got " + batch);
    }
    embeddings.ifPresent(
        e -> {
          if (e.length != batch) {
            throw new IllegalArgumentException(
                "embeddings: expected " + batch + " rows, got " + e.length);
          }
        });
    for (PatchLayer layer : layers) {
      if (layer.batch() != batch) {
        throw new IllegalArgumentException(
            "layers: layer " + layer.layer() + " holds " + layer.batch() + " images, expected "
                + batch);
      }
    }
  }

  /**
   * Patch tokens of one layer for a batch: {@code values} is row-major {@code [N][rows*cols][dim]},
   * patches row-major over the grid.
   *
   * @param layer the layer, as in the manifest
   * @param rows grid rows
   * @param cols grid columns
   * @param dim features per patch
   * @param values {@code N * rows * cols * dim} floats
   */
  public record PatchLayer(int layer, int rows, int cols, int dim, float[] values) {
    public PatchLayer {
      Objects.requireNonNull(values, "values");
      if (rows <= 0 || cols <= 0 || dim <= 0) {
        throw new IllegalArgumentException(
            "rows, cols, dim: expected positive, got " + rows + ", " + cols + ", " + dim);
      }
      int perImage = rows * cols * dim;
      if (values.length == 0 || values.length % perImage != 0) {
        throw new IllegalArgumentException(
            "values: expected a multiple of rows × cols × dim = " + perImage + " floats, got "
                + values.length);
      }
    }

    /** The number of images. */
    public int batch() {
      return values.length / (rows * cols * dim);
    }

    /** Index in {@link #values} of the first feature of patch {@code patch} of image {@code n}. */
    public int offset(int n, int patch) {
      return (n * rows * cols + patch) * dim;
    }
  }
}
