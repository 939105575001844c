package io.clipline.imaging;

import java.util.Objects;

/**
 * A decoded frame as plain 8-bit pixels, row-major and interleaved: one byte per pixel for
 * grayscale, three in B, G, R order for colour (OpenCV's order).
 *
 * @param width width in pixels
 * @param height height in pixels
 * @param channels 1 (grayscale) or 3 (BGR)
 * @param pixels {@code width * height * channels} bytes; owned by this frame, not copied again
 */
public record DecodedFrame(int width, int height, int channels, byte[] pixels) {

  public DecodedFrame {
    Objects.requireNonNull(pixels, "pixels");
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException(
          "width, height: expected positive, got " + width + " × " + height);
    }
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("channels: expected 1 or 3, got " + channels);
    }
    if (pixels.length != (long) width * height * channels) {
      throw new IllegalArgumentException(
          "pixels: expected " + width + " × " + height + " × " + channels + " bytes, got "
              + pixels.length);
    }
  }
}
