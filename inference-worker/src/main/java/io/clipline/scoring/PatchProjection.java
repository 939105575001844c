package io.clipline.scoring;

/**
 * Maps the patch tokens of one layer into the text embedding space (trained linear projections,
 * APRIL-GAN / RareCLIP style). Implementations must not keep references to the arrays.
 */
@FunctionalInterface
public interface PatchProjection {
  /**
   * Projects {@code patches} tokens of width {@code dim} from layer {@code layer} (0-based).
   *
   * @return {@code float[patches * textDim]}, or null when this layer has no projection
   */
  float[] project(int layer, float[] tokens, int patches, int dim);
}
