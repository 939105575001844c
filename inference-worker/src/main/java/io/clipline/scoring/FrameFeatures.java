package io.clipline.scoring;

import java.util.List;

/**
 * What the image tower produced for one frame.
 *
 * <p>Each layer is {@code float[rows * cols * dim]}, row-major over the patch grid (patch {@code
 * r * cols + c} occupies {@code [(r * cols + c) * dim, + dim)}); layers may differ in dim. Arrays
 * are used as given, not copied: do not modify them while scoring.
 *
 * @param rows patch grid rows
 * @param cols patch grid columns
 * @param layers patch features per layer, at least one
 * @param embedding global image embedding (CLIP: projected CLS), or null
 * @param outputHeight height of the upsampled anomaly map in pixels
 * @param outputWidth width of the upsampled anomaly map in pixels
 */
public record FrameFeatures(
    int rows, int cols, List<float[]> layers, float[] embedding, int outputHeight, int outputWidth) {

  /** Validates shapes and values; messages say what was expected and what arrived. */
  public FrameFeatures {
    if (rows <= 0 || cols <= 0) {
      throw new IllegalArgumentException(
          "FrameFeatures.rows and FrameFeatures.cols must be > 0, got rows=" + rows
              + " cols=" + cols);
    }
    if (layers == null || layers.isEmpty()) {
      throw new IllegalArgumentException(
          "FrameFeatures.layers must hold at least one layer of patch features, got none");
    }
    if (outputHeight <= 0 || outputWidth <= 0) {
      throw new IllegalArgumentException(
          "FrameFeatures.outputHeight and FrameFeatures.outputWidth must be > 0, got "
              + outputHeight + "x" + outputWidth);
    }
    int patches = rows * cols;
    for (int l = 0; l < layers.size(); l++) {
      float[] x = layers.get(l);
      if (x == null || x.length == 0 || x.length % patches != 0) {
        throw new IllegalArgumentException(
            "FrameFeatures.layers[" + l + "] must hold rows*cols*dim values with dim >= 1 for a "
                + rows + "x" + cols + " grid, got " + (x == null ? "null" : x.length + " values"));
      }
      checkFinite(x, "FrameFeatures.layers[" + l + "]");
    }
    if (embedding != null) {
      if (embedding.length == 0) {
        throw new IllegalArgumentException("FrameFeatures.embedding must not be empty");
      }
      checkFinite(embedding, "FrameFeatures.embedding");
    }
    layers = List.copyOf(layers);
  }

  /** Frame with patch features only, no global embedding. */
  public static FrameFeatures ofPatches(
      int rows, int cols, List<float[]> layers, int outputHeight, int outputWidth) {
    return new FrameFeatures(rows, cols, layers, null, outputHeight, outputWidth);
  }

  /** Patches per image, rows x cols. */
  public int patches() {
    return rows * cols;
  }

  /** Feature dimension of layer {@code l}. */
  public int dim(int l) {
    return layers.get(l).length / patches();
  }

  private static void checkFinite(float[] x, String what) {
    for (int i = 0; i < x.length; i++) {
      if (!Float.isFinite(x[i])) {
        throw new IllegalArgumentException(
            what + " must be finite, got " + x[i] + " at index " + i);
      }
    }
  }
}
