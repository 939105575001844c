package io.clipline.model;

/**
 * A test-time view of the image tower's input: the frame as it is, or mirrored. A model folder
 * lists its views in {@code image.views} (docs/MODEL_FORMAT.md); the {@link ImageEncoder} runs the
 * tower once per view and maps each view's patch grid back onto the frame's, so that patch
 * {@code (r, c)} of every view describes the same place of the frame. The scoring engine then sees
 * each view as one more layer, with its own memory, and averages their rarities: a small ensemble
 * whose members differ in how the tower's stride and padding fall on the frame (docs/QUALITY.md,
 * "Fifth round").
 *
 * <p>Every view is its own inverse, so one index mapping serves both directions: {@link
 * #transformImage} on the way in and {@link #alignPatches} on the way out.
 */
public enum ViewTransform {
  /** The input as it is. */
  IDENTITY(false, false),
  /** Mirrored left to right. */
  HFLIP(false, true),
  /** Mirrored top to bottom. */
  VFLIP(true, false),
  /** Turned by 180 degrees (mirrored both ways). */
  ROT180(true, true);

  private final boolean flipsRows;
  private final boolean flipsCols;

  ViewTransform(boolean flipsRows, boolean flipsCols) {
    this.flipsRows = flipsRows;
    this.flipsCols = flipsCols;
  }

  /** Whether the view reverses the order of the rows (top to bottom). */
  public boolean flipsRows() {
    return flipsRows;
  }

  /** Whether the view reverses the order of the columns (left to right). */
  public boolean flipsCols() {
    return flipsCols;
  }

  /**
   * Writes this view of one CHW image, {@code 3 × height × width} floats of {@code chw} from
   * {@code from}, into {@code out} from {@code to}. The two ranges must not overlap.
   */
  public void transformImage(float[] chw, int from, float[] out, int to, int height, int width) {
    remap(chw, from, out, to, 3, height, width, 1);
  }

  /**
   * Maps one image's patch tokens, computed on this view, back onto the frame's grid: {@code rows
   * × cols × dim} floats of {@code tokens} from {@code from} (row-major over the view's grid) are
   * written to {@code out} from {@code to}, row-major over the frame's grid. The two ranges must
   * not overlap.
   */
  public void alignPatches(
      float[] tokens, int from, float[] out, int to, int rows, int cols, int dim) {
    remap(tokens, from, out, to, 1, rows, cols, dim);
  }

  /**
   * Copies {@code planes} planes of {@code height × width} cells, each cell {@code run} floats,
   * mirroring the rows of each plane and the cells of each row as the view says (3 colour planes
   * of single floats for an image, 1 plane of {@code dim}-float tokens for a patch grid).
   */
  private void remap(
      float[] src, int from, float[] dst, int to, int planes, int height, int width, int run) {
    int rowLength = width * run;
    for (int plane = 0; plane < planes; plane++) {
      for (int row = 0; row < height; row++) {
        int source = from + (plane * height + (flipsRows ? height - 1 - row : row)) * rowLength;
        int target = to + (plane * height + row) * rowLength;
        if (!flipsCols) {
          System.arraycopy(src, source, dst, target, rowLength);
          continue;
        }
        for (int x = 0; x < width; x++) {
          System.arraycopy(src, source + (width - 1 - x) * run, dst, target + x * run, run);
        }
      }
    }
  }
}
