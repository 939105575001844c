package io.clipline.inference;

import io.clipline.model.ModelManifest.ResizeMode;
import io.clipline.scoring.FrameFeatures;
import io.clipline.scoring.ScoringEngine;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-scope grid rule: a scope's patch grid is fixed by its first frame, and the engine
 * refuses another. Under {@code STRETCH} and {@code SHORT_SIDE_CENTER_CROP} every frame has the
 * manifest's grid; under {@code LETTERBOX} the grid follows the frame's aspect ratio and under
 * {@code TILE} its size, so a scope there takes frames of one size (one camera set-up). This
 * class checks a whole batch before the engine sees any of it, so that a frame of another size
 * fails (and is refused alone by the worker's fallback, {@code inference.failed}) without the
 * other frames of its batch having been scored once already, and says why in frame pixels.
 */
final class ScopeGrids {
  private ScopeGrids() {}

  /** A frame as the error names it: its id and its size in frame pixels. */
  record Frame(String id, int width, int height) {}

  /**
   * Checks frame {@code i}'s grid, for every {@code i}, against its scope's grid (the engine's,
   * or that of the batch's first frame of a new scope).
   *
   * @throws IllegalArgumentException naming the frame, its size and both grids
   */
  static void check(ScoringEngine engine, ResizeMode resize, List<String> scopes,
      List<Frame> frames, List<FrameFeatures> features) {
    Map<String, int[]> grids = new HashMap<>();
    for (int i = 0; i < scopes.size(); i++) {
      FrameFeatures f = features.get(i);
      String scope = scopes.get(i);
      int[] grid = grids.computeIfAbsent(
          scope, s -> engine.grid(s).orElse(new int[] {f.rows(), f.cols()}));
      if (grid[0] != f.rows() || grid[1] != f.cols()) {
        Frame frame = frames.get(i);
        throw new IllegalArgumentException("frame " + frame.id() + " of "
            + frame.width() + " × " + frame.height() + " px gives a " + f.rows() + "x" + f.cols()
            + " patch grid under resize " + resize + ", but scope '" + scope + "' has a "
            + grid[0] + "x" + grid[1] + " grid: under LETTERBOX and TILE a scope takes frames of"
            + " one size (docs/MODEL_FORMAT.md)");
      }
    }
  }
}
