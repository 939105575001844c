package io.clipline.camera;

import java.util.Objects;

/**
 * Pixel mask of a frame's defect, row-major, one byte per pixel: 0 = normal, non-zero = defect.
 * An empty mask (no non-zero pixel) belongs to a normal frame.
 */
public record DefectMask(int width, int height, byte[] pixels) {
  public DefectMask {
    Objects.requireNonNull(pixels, "pixels");
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException(
          "mask size must be positive, got " + width + "x" + height);
    }
    if (pixels.length != width * height) {
      throw new IllegalArgumentException("mask of " + width + "x" + height + " needs "
          + width * height + " bytes, got " + pixels.length);
    }
  }

  /** A mask with no defect pixel. */
  public static DefectMask empty(int width, int height) {
    return new DefectMask(width, height, new byte[width * height]);
  }

  public boolean isDefect(int x, int y) {
    return pixels[y * width + x] != 0;
  }

  /** Number of defect pixels. */
  public int area() {
    int area = 0;
    for (byte pixel : pixels) {
      if (pixel != 0) {
        area++;
      }
    }
    return area;
  }

  public boolean isEmpty() {
    return area() == 0;
  }
}
