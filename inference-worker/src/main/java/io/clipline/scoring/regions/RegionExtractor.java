package io.clipline.scoring.regions;

import io.clipline.scoring.DefectTypeGuess;
import io.clipline.scoring.FrameFeatures;
import io.clipline.scoring.MapRegion;
import io.clipline.scoring.ScopeProfile;
import io.clipline.scoring.internal.Vectors;
import io.clipline.scoring.memory.FewShotTypeCache;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts an anomaly map into defect regions (docs/SCORING.md §5): the connected components at or
 * above a threshold, largest peak first, at most {@code maxRegions}; each with the pooled
 * feature of the patches under it and, through a {@link RegionTyper}, its defect type.
 * Immutable.
 */
public final class RegionExtractor {
  private final int maxRegions;
  private final RegionTyper typer;

  /** Extractor of at most {@code maxRegions} regions per map, typed by {@code typer}. */
  public RegionExtractor(int maxRegions, RegionTyper typer) {
    this.maxRegions = maxRegions;
    this.typer = typer;
  }

  /**
   * The regions of {@code map} ({@code h x w}, row-major) at or above {@code threshold}.
   *
   * @param f the frame's features (for its grid)
   * @param lastLayer the last layer's L2-normalised patch features of dimension {@code dim}
   * @param examples the scope's few-shot examples
   * @param profile the scope's profile (its defect types)
   */
  public List<MapRegion> extract(
      float[] map, int h, int w, double threshold, FrameFeatures f, float[] lastLayer, int dim,
      FewShotTypeCache examples, ScopeProfile profile) {
    List<Components.Blob> blobs = Components.find(map, h, w, threshold, maxRegions);
    List<MapRegion> out = new ArrayList<>(blobs.size());
    for (Components.Blob b : blobs) {
      float[] feature = pooledFeature(b.pixels(), h, w, f.rows(), f.cols(), lastLayer, dim);
      DefectTypeGuess g = typer.typeOf(feature, examples, profile);
      out.add(
          new MapRegion(
              b.top(), b.left(), b.bottom(), b.right(), b.area(), b.peak(), b.mean(), feature,
              g == null ? null : g.type(), g == null ? Double.NaN : g.confidence(),
              g == null ? null : g.runnerUp(), g == null ? Double.NaN : g.runnerUpConfidence()));
    }
    return out;
  }

  /**
   * The feature of a region covering {@code mask} (the frame's {@code outputHeight x
   * outputWidth} map, row-major), as in {@link MapRegion#feature()}: the L2-normalised mean of the
   * last layer's L2-normalised patch features under the mask, each patch counted once.
   */
  public static float[] regionFeature(FrameFeatures f, boolean[] mask) {
    int h = f.outputHeight();
    int w = f.outputWidth();
    if (mask == null || mask.length != h * w) {
      throw new IllegalArgumentException(
          "mask must cover the " + h + "x" + w + " output map, got "
              + (mask == null ? "null" : mask.length + " values"));
    }
    int[] pixels = new int[mask.length];
    int n = 0;
    for (int px = 0; px < mask.length; px++) {
      if (mask[px]) {
        pixels[n++] = px;
      }
    }
    if (n == 0) {
      throw new IllegalArgumentException("mask is empty: a region needs at least one pixel");
    }
    int last = f.layers().size() - 1;
    int d = f.dim(last);
    float[] patches = f.layers().get(last).clone();
    Vectors.normalizeRows(patches, f.patches(), d);
    return pooledFeature(Arrays.copyOf(pixels, n), h, w, f.rows(), f.cols(), patches, d);
  }

  /** Mean of the normalised patch features under map pixels {@code y * w + x} (each patch once). */
  static float[] pooledFeature(
      int[] pixels, int h, int w, int rows, int cols, float[] patches, int d) {
    boolean[] used = new boolean[rows * cols];
    float[] sum = new float[d];
    for (int px : pixels) {
      int y = px / w;
      int x = px % w;
      int n = (int) ((long) y * rows / h) * cols + (int) ((long) x * cols / w);
      if (!used[n]) {
        used[n] = true;
        for (int i = 0; i < d; i++) {
          sum[i] += patches[n * d + i];
        }
      }
    }
    Vectors.normalizeRows(sum, 1, d);
    return sum;
  }
}
