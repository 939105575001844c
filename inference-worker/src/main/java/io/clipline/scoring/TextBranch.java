package io.clipline.scoring;

import io.clipline.scoring.internal.Vectors;

/**
 * Zero-shot text term: two class prototypes (normal, anomalous) in the text space and a logit
 * scale tau. Probability of "anomalous" = softmax(tau * [cos(x, t_n), cos(x, t_a)])[1]. Immutable.
 */
public final class TextBranch {
  private final float[] normal;
  private final float[] anomalous;
  private final double tau;
  private final PatchProjection projection;

  /**
   * @param normalPrototype normal class prototype (normalised here)
   * @param anomalousPrototype anomalous class prototype, same length
   * @param tau logit scale, e.g. 100 (CLIP) or 20–100
   * @param projection optional patch projection into the text space, or null
   */
  public TextBranch(
      float[] normalPrototype, float[] anomalousPrototype, double tau, PatchProjection projection) {
    if (normalPrototype == null || anomalousPrototype == null || normalPrototype.length == 0) {
      throw new IllegalArgumentException("TextBranch prototypes must be non-empty vectors");
    }
    if (normalPrototype.length != anomalousPrototype.length) {
      throw new IllegalArgumentException(
          "TextBranch normalPrototype and anomalousPrototype must have the same length, got "
              + normalPrototype.length + " and " + anomalousPrototype.length);
    }
    if (!(tau > 0) || Double.isInfinite(tau)) {
      throw new IllegalArgumentException("TextBranch.tau must be finite and > 0, got " + tau);
    }
    this.normal = Vectors.normalized(normalPrototype);
    this.anomalous = Vectors.normalized(anomalousPrototype);
    this.tau = tau;
    this.projection = projection;
  }

  /** Text embedding dimension. */
  public int dim() {
    return normal.length;
  }

  /** Probability that the embedding shows an anomaly; NaN when embedding is null. */
  public double imageProbability(float[] embedding) {
    if (embedding == null) {
      return Double.NaN;
    }
    if (embedding.length != normal.length) {
      throw new IllegalArgumentException(
          "image embedding has " + embedding.length + " values, text prototypes have "
              + normal.length);
    }
    float[] e = Vectors.normalized(embedding);
    return probability(e, 0);
  }

  private double probability(float[] x, int off) {
    double sn = Vectors.dot(x, off, normal, 0, normal.length);
    double sa = Vectors.dot(x, off, anomalous, 0, anomalous.length);
    return 1.0 / (1.0 + Math.exp(-tau * (sa - sn)));
  }

  /**
   * Per-patch probability of "anomalous", mean over the layers that can be compared with the text
   * space (projected, or of the text dimension when there is no projection); null when none can.
   */
  public float[] patchProbabilities(FrameFeatures f) {
    int p = f.patches();
    float[] sum = null;
    int used = 0;
    for (int l = 0; l < f.layers().size(); l++) {
      int dim = f.dim(l);
      float[] tokens = null;
      if (projection != null) {
        tokens = projection.project(l, f.layers().get(l), p, dim);
        if (tokens != null && tokens.length != p * normal.length) {
          throw new IllegalArgumentException(
              "patch projection of layer " + l + " returned " + tokens.length
                  + " values, expected " + p + " x " + normal.length);
        }
        if (tokens != null) {
          tokens = tokens.clone();
        }
      } else if (dim == normal.length) {
        tokens = f.layers().get(l).clone();
      }
      if (tokens == null) {
        continue;
      }
      Vectors.normalizeRows(tokens, p, normal.length);
      if (sum == null) {
        sum = new float[p];
      }
      for (int n = 0; n < p; n++) {
        sum[n] += (float) probability(tokens, n * normal.length);
      }
      used++;
    }
    if (sum != null) {
      for (int n = 0; n < p; n++) {
        sum[n] /= used;
      }
    }
    return sum;
  }
}
