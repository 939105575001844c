package io.clipline.imaging;

/**
 * Where the model input lies in the original frame: the rectangle of source pixels that the
 * preprocessed image covers, so that an anomaly map of any resolution over the model input can be
 * mapped back to frame coordinates. Coordinates are continuous pixel edges: (0, 0) is the frame's
 * top-left corner, ({@code sourceWidth}, {@code sourceHeight}) its bottom-right one.
 *
 * @param sourceWidth frame width in pixels
 * @param sourceHeight frame height in pixels
 * @param left left edge of the covered rectangle
 * @param top top edge of the covered rectangle
 * @param width width of the covered rectangle
 * @param height height of the covered rectangle
 */
public record CropGeometry(
    int sourceWidth, int sourceHeight, double left, double top, double width, double height) {

  public CropGeometry {
    if (sourceWidth <= 0 || sourceHeight <= 0 || !(width > 0) || !(height > 0)) {
      throw new IllegalArgumentException(
          "sizes: expected positive, got source " + sourceWidth + " × " + sourceHeight
              + ", crop " + width + " × " + height);
    }
  }

  /** The frame x of a point at {@code fraction} (0 = left edge, 1 = right edge) of the input. */
  public double toSourceX(double fraction) {
    return left + fraction * width;
  }

  /** The frame y of a point at {@code fraction} (0 = top edge, 1 = bottom edge) of the input. */
  public double toSourceY(double fraction) {
    return top + fraction * height;
  }

  /** The inverse of {@link #toSourceX}: where frame x lies as a fraction of the input's width. */
  public double toInputX(double sourceX) {
    return (sourceX - left) / width;
  }

  /** The inverse of {@link #toSourceY}: where frame y lies as a fraction of the input's height. */
  public double toInputY(double sourceY) {
    return (sourceY - top) / height;
  }
}
