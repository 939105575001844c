package io.clipline.imaging;

import io.clipline.imaging.FrameDecodeException.Reason;
import java.util.Locale;
import java.util.Objects;

/**
 * Decodes the image files of a labelled dataset (images and masks for {@code clipline eval}) by
 * what their bytes are, not by their names: JPEG and PNG through {@link FrameDecoder}'s checked
 * path, BMP and TIFF through OpenCV. Line cameras send JPEG, PNG or raw pixels (the frame schema's
 * encodings), but public defect sets also ship BMP and TIFF, often as masks, and a file named
 * {@code .png} may hold a JPEG.
 *
 * <p>The limits of {@link FrameLimits} hold for every format: the byte count first, the pixel
 * count from the header for JPEG, PNG and BMP, and after decoding for TIFF, whose size may sit
 * anywhere in the file. Dataset files are the operator's own input, so that order is enough;
 * camera frames never take this path. Thread-safe.
 */
public final class ImageFileDecoder {
  /** The file formats recognised, by their leading bytes. */
  public enum Format {
    JPEG,
    PNG,
    BMP,
    TIFF
  }

  private final FrameDecoder frames;

  public ImageFileDecoder(FrameLimits limits) {
    this.frames = new FrameDecoder(Objects.requireNonNull(limits, "limits"));
  }

  /**
   * Decodes one image file's bytes to one (grayscale) or three (BGR) 8-bit channels.
   *
   * @throws FrameDecodeException naming the reason: {@code decode.unknown_encoding} for bytes of
   *     no recognised format, otherwise as {@link FrameDecoder#decode}
   */
  public DecodedFrame decode(byte[] data) {
    Format format = formatOf(data);
    switch (format) {
      case JPEG:
        return frames.decode(data, PixelEncoding.JPEG, 0, 0);
      case PNG:
        return frames.decode(data, PixelEncoding.PNG, 0, 0);
      case BMP:
        checkBytes(data, format);
        long[] size = bmpSize(data);
        frames.checkPixels("BMP header", size[0], size[1]);
        return FrameDecoder.decodeCompressed(data, "BMP", (int) size[0], (int) size[1]);
      case TIFF:
        checkBytes(data, format);
        DecodedFrame image = FrameDecoder.decodeCompressed(data, "TIFF", -1, -1);
        frames.checkPixels("TIFF", image.width(), image.height());
        return image;
    }
    throw new AssertionError(format);
  }

  /**
   * The format of {@code data} from its leading bytes.
   *
   * @throws FrameDecodeException with reason {@code decode.empty} or {@code
   *     decode.unknown_encoding}, quoting the first bytes
   */
  public static Format formatOf(byte[] data) {
    if (data == null || data.length == 0) {
      throw new FrameDecodeException(Reason.EMPTY, "the image file has no bytes");
    }
    if (startsWith(data, 0xFF, 0xD8)) {
      return Format.JPEG;
    }
    if (startsWith(data, 0x89, 'P', 'N', 'G')) {
      return Format.PNG;
    }
    if (startsWith(data, 'B', 'M')) {
      return Format.BMP;
    }
    if (startsWith(data, 'I', 'I', 42, 0) || startsWith(data, 'M', 'M', 0, 42)) {
      return Format.TIFF;
    }
    StringBuilder first = new StringBuilder();
    for (int i = 0; i < Math.min(4, data.length); i++) {
      first.append(String.format(Locale.ROOT, "%02X ", data[i] & 0xFF));
    }
    throw new FrameDecodeException(
        Reason.UNKNOWN_ENCODING,
        "not a JPEG, PNG, BMP or TIFF file (it starts with " + first.toString().trim() + ")");
  }

  private void checkBytes(byte[] data, Format format) {
    if (data.length > frames.limits().maxBytes()) {
      throw new FrameDecodeException(
          Reason.TOO_LARGE,
          format + " file has " + data.length + " bytes, the limit is "
              + frames.limits().maxBytes());
    }
  }

  /** Width and height from the BMP info header (a negative height means rows top-down). */
  private static long[] bmpSize(byte[] d) {
    // file header (14), info header size (4), width (4), height (4), little-endian
    if (d.length < 26) {
      throw new FrameDecodeException(
          Reason.TRUNCATED, "BMP of " + d.length + " bytes ends inside its header");
    }
    long width = Math.abs((long) s32le(d, 18));
    long height = Math.abs((long) s32le(d, 22));
    if (width == 0 || height == 0) {
      throw new FrameDecodeException(
          Reason.CORRUPT, "BMP header says " + width + " × " + height);
    }
    return new long[] {width, height};
  }

  private static int s32le(byte[] d, int at) {
    return (d[at] & 0xFF) | (d[at + 1] & 0xFF) << 8 | (d[at + 2] & 0xFF) << 16
        | (d[at + 3] & 0xFF) << 24;
  }

  private static boolean startsWith(byte[] data, int... prefix) {
    if (data.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if ((data[i] & 0xFF) != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
