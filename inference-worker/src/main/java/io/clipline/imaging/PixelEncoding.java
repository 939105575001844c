package io.clipline.imaging;

import java.util.Arrays;
import java.util.Locale;

/** How a camera frame's bytes encode its pixels. */
public enum PixelEncoding {
  /** JPEG (JFIF/EXIF) file bytes. */
  JPEG,
  /** PNG file bytes. */
  PNG,
  /** Raw 8-bit grayscale, one byte per pixel, row-major. */
  GRAY8,
  /** Raw 8-bit colour, three bytes per pixel in B, G, R order, row-major. */
  BGR8;

  /**
   * The encoding spelt {@code name}, ignoring case, as camera records carry it.
   *
   * @throws FrameDecodeException with reason {@code decode.unknown_encoding} for any other name
   */
  public static PixelEncoding of(String name) {
    if (name != null) {
      for (PixelEncoding encoding : values()) {
        if (encoding.name().equals(name.toUpperCase(Locale.ROOT))) {
          return encoding;
        }
      }
    }
    throw new FrameDecodeException(
        FrameDecodeException.Reason.UNKNOWN_ENCODING,
        "unknown pixel encoding '" + name + "'; expected one of " + Arrays.toString(values()));
  }
}
