package io.clipline.scoring;

import io.clipline.scoring.internal.Vectors;

/**
 * The scoring engine's one dense product: the similarities of n feature rows to m prototype
 * rows. It dominates the engine's cost for wide features (a CLIP layer has 768 or 1 024
 * dimensions), so the engine lets a caller supply an implementation that runs it on an
 * accelerator; {@link #JAVA} is the engine's own.
 *
 * <p>Implementations must be deterministic (the same inputs give the same outputs, so that a
 * restored snapshot scores as the original did). An engine with a bank executor calls its kernel
 * from the executor's threads at once (one patch bank each), so a kernel shared that way must be
 * thread-safe; {@link #JAVA} is.
 */
@FunctionalInterface
public interface SimilarityKernel {
  /** The engine's own kernel: plain Java, summed in dimension order. */
  SimilarityKernel JAVA = Vectors::multiplyTransposed;

  /**
   * {@code out[i * m + j] = dot(a row i, b row j)} for the first n rows of {@code a} and m rows of
   * {@code b}, both row-major of width {@code dim}.
   */
  void multiplyTransposed(float[] a, int n, float[] b, int m, int dim, float[] out);
}
