package io.clipline.scoring.regions;

import java.util.ArrayList;
import java.util.List;

/** 8-connected components of the pixels of a map at or above a threshold. */
public final class Components {
  private Components() {}

  /** One component: bounding box (inclusive), area, peak and mean value, and its pixel indices. */
  public record Blob(
      int top, int left, int bottom, int right, int area, float peak, float mean, int[] pixels) {}

  /**
   * Components of {@code map >= threshold}, largest peak first, at most {@code maxBlobs} (the rest
   * are dropped).
   */
  public static List<Blob> find(float[] map, int height, int width, double threshold, int maxBlobs) {
    boolean[] seen = new boolean[map.length];
    int[] stack = new int[map.length];
    List<Blob> blobs = new ArrayList<>();
    for (int start = 0; start < map.length; start++) {
      if (seen[start] || !(map[start] >= threshold)) {
        continue;
      }
      int top = height;
      int left = width;
      int bottom = -1;
      int right = -1;
      float peak = Float.NEGATIVE_INFINITY;
      double sum = 0;
      int sp = 0;
      int n = 0;
      int[] pixels = new int[16];
      stack[sp++] = start;
      seen[start] = true;
      while (sp > 0) {
        int p = stack[--sp];
        if (n == pixels.length) {
          pixels = java.util.Arrays.copyOf(pixels, n * 2);
        }
        pixels[n++] = p;
        int y = p / width;
        int x = p % width;
        top = Math.min(top, y);
        bottom = Math.max(bottom, y);
        left = Math.min(left, x);
        right = Math.max(right, x);
        peak = Math.max(peak, map[p]);
        sum += map[p];
        for (int dy = -1; dy <= 1; dy++) {
          int yy = y + dy;
          if (yy < 0 || yy >= height) {
            continue;
          }
          for (int dx = -1; dx <= 1; dx++) {
            int xx = x + dx;
            if (xx < 0 || xx >= width) {
              continue;
            }
            int q = yy * width + xx;
            if (!seen[q] && map[q] >= threshold) {
              seen[q] = true;
              stack[sp++] = q;
            }
          }
        }
      }
      blobs.add(
          new Blob(top, left, bottom, right, n, peak, (float) (sum / n),
              java.util.Arrays.copyOf(pixels, n)));
    }
    blobs.sort((a, b) -> Float.compare(b.peak(), a.peak()));
    return blobs.size() > maxBlobs ? new ArrayList<>(blobs.subList(0, maxBlobs)) : blobs;
  }
}
