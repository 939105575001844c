package io.clipline.imaging;

import io.clipline.imaging.FrameDecodeException.Reason;
import java.util.Objects;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;

/**
 * Decodes camera frames (JPEG, PNG, raw GRAY8 or BGR8) to {@link DecodedFrame}s with OpenCV, after
 * checking every limit that can be checked without decoding: the byte count, the pixel count read
 * from the PNG {@code IHDR} or JPEG {@code SOF} header, the declared size, and the image's end
 * marker (so a truncated file that a decoder would half-decode and pad is rejected).
 *
 * <p>Compressed frames keep their colour type: grayscale stays one channel, colour becomes BGR,
 * alpha and 16-bit depth are dropped, and EXIF orientation is ignored so that the pixels match the
 * declared width and height. Thread-safe.
 */
public final class FrameDecoder {
  private static final byte[] PNG_SIGNATURE = {
    (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'
  };
  private static final byte[] PNG_END = {
    'I', 'E', 'N', 'D', (byte) 0xAE, 0x42, 0x60, (byte) 0x82
  };

  private final FrameLimits limits;

  public FrameDecoder(FrameLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
    OpenCvNatives.load();
  }

  /**
   * Decodes one frame.
   *
   * @param data the frame's bytes
   * @param encoding how they encode the pixels
   * @param width the declared width; compressed images must have this width unless both
   *     width and height are 0 (not declared: the header wins); raw images must declare it
   * @param height the declared height, likewise
   * @throws FrameDecodeException naming the reason, before decoding when a limit is exceeded
   */
  public DecodedFrame decode(byte[] data, PixelEncoding encoding, int width, int height) {
    if (encoding == null) {
      throw new FrameDecodeException(Reason.UNKNOWN_ENCODING, "no pixel encoding given");
    }
    if (data == null || data.length == 0) {
      throw new FrameDecodeException(Reason.EMPTY, encoding + " frame has no bytes");
    }
    if (data.length > limits.maxBytes()) {
      throw new FrameDecodeException(
          Reason.TOO_LARGE,
          encoding + " frame has " + data.length + " bytes, the limit is " + limits.maxBytes());
    }
    boolean declared = width != 0 || height != 0;
    if (declared && (width <= 0 || height <= 0)) {
      throw new FrameDecodeException(
          Reason.SIZE_MISMATCH, "declared size " + width + " × " + height + " is not positive");
    }
    if (declared) {
      checkPixels("declared", width, height);
    }
    switch (encoding) {
      case GRAY8:
      case BGR8:
        if (!declared) {
          throw new FrameDecodeException(
              Reason.SIZE_MISMATCH, encoding + " frames must declare their width and height");
        }
        return raw(data, width, height, encoding == PixelEncoding.GRAY8 ? 1 : 3);
      case PNG:
        long[] pngSize = checkHeader(encoding, pngSize(data), width, height, declared);
        if (!endsWith(data, PNG_END)) {
          throw new FrameDecodeException(
              Reason.TRUNCATED, "PNG of " + data.length + " bytes has no IEND chunk at its end");
        }
        return decodeCompressed(data, encoding.name(), (int) pngSize[0], (int) pngSize[1]);
      case JPEG:
        long[] jpegSize = checkHeader(encoding, jpegSize(data), width, height, declared);
        if (!hasJpegEnd(data)) {
          throw new FrameDecodeException(
              Reason.TRUNCATED,
              "JPEG of " + data.length + " bytes does not end with the EOI marker FFD9");
        }
        return decodeCompressed(data, encoding.name(), (int) jpegSize[0], (int) jpegSize[1]);
    }
    throw new AssertionError(encoding);
  }

  /** The limits this decoder checks. */
  FrameLimits limits() {
    return limits;
  }

  void checkPixels(String what, long width, long height) {
    if (width * height > limits.maxPixels()) {
      throw new FrameDecodeException(
          Reason.DIMENSIONS_EXCEED_LIMIT,
          what + " size " + width + " × " + height + " = " + width * height
              + " pixels exceeds the limit of " + limits.maxPixels());
    }
  }

  /** Checks the header's size against the limit and, when one was declared, against it. */
  private long[] checkHeader(
      PixelEncoding encoding, long[] size, int width, int height, boolean declared) {
    checkPixels(encoding + " header", size[0], size[1]);
    if (declared && (size[0] != width || size[1] != height)) {
      throw new FrameDecodeException(
          Reason.SIZE_MISMATCH,
          encoding + " header says " + size[0] + " × " + size[1] + ", the frame declares "
              + width + " × " + height);
    }
    return size;
  }

  private static DecodedFrame raw(byte[] data, int width, int height, int channels) {
    long expected = (long) width * height * channels;
    if (data.length != expected) {
      throw new FrameDecodeException(
          Reason.SIZE_MISMATCH,
          (channels == 1 ? "GRAY8" : "BGR8") + " frame of " + width + " × " + height
              + " needs " + expected + " bytes, got " + data.length);
    }
    return new DecodedFrame(width, height, channels, data.clone());
  }

  /**
   * Decodes compressed image bytes with OpenCV, as one or three 8-bit channels; {@code width} and
   * {@code height} are what the header said, or -1 where the format was not read beforehand.
   */
  static DecodedFrame decodeCompressed(byte[] data, String format, int width, int height) {
    MatOfByte encoded = new MatOfByte(data);
    Mat image = null;
    try {
      image =
          Imgcodecs.imdecode(
              encoded, Imgcodecs.IMREAD_ANYCOLOR | Imgcodecs.IMREAD_IGNORE_ORIENTATION);
      int channels = image.channels();
      if (image.empty()
          || (width >= 0 && image.cols() != width)
          || (height >= 0 && image.rows() != height)
          || image.depth() != CvType.CV_8U
          || (channels != 1 && channels != 3)) {
        throw new FrameDecodeException(
            Reason.CORRUPT,
            "OpenCV could not decode the " + format + " image of " + data.length + " bytes"
                + (image.empty() ? "" : " (got " + image + ")"));
      }
      byte[] pixels = new byte[image.cols() * image.rows() * channels];
      image.get(0, 0, pixels);
      return new DecodedFrame(image.cols(), image.rows(), channels, pixels);
    } finally {
      if (image != null) {
        image.release();
      }
      encoded.release();
    }
  }

  /** Width and height from the IHDR chunk, which a valid PNG has first. */
  private static long[] pngSize(byte[] d) {
    for (int i = 0; i < Math.min(d.length, PNG_SIGNATURE.length); i++) {
      if (d[i] != PNG_SIGNATURE[i]) {
        throw new FrameDecodeException(Reason.CORRUPT, "not a PNG: wrong signature");
      }
    }
    // signature (8), chunk length (4), "IHDR" (4), width (4), height (4)
    if (d.length < 24) {
      throw new FrameDecodeException(
          Reason.TRUNCATED, "PNG of " + d.length + " bytes ends inside its header");
    }
    if (d[12] != 'I' || d[13] != 'H' || d[14] != 'D' || d[15] != 'R') {
      throw new FrameDecodeException(Reason.CORRUPT, "PNG does not start with an IHDR chunk");
    }
    return new long[] {u32(d, 16), u32(d, 20)};
  }

  /** Width and height from the first start-of-frame marker (SOF0 to SOF15). */
  private static long[] jpegSize(byte[] d) {
    if (d.length < 2 || (d[0] & 0xFF) != 0xFF || (d[1] & 0xFF) != 0xD8) {
      throw new FrameDecodeException(Reason.CORRUPT, "not a JPEG: no SOI marker FFD8");
    }
    int i = 2;
    while (true) {
      if (i + 4 > d.length) {
        throw new FrameDecodeException(
            Reason.TRUNCATED, "JPEG of " + d.length + " bytes ends before its SOF header");
      }
      if ((d[i] & 0xFF) != 0xFF) {
        throw new FrameDecodeException(Reason.CORRUPT, "JPEG has no marker at byte " + i);
      }
      int marker = d[i + 1] & 0xFF;
      if (marker == 0xFF) { // fill byte
        i++;
      } else if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) { // no length field
        i += 2;
      } else if (marker == 0xDA || marker == 0xD9) {
        throw new FrameDecodeException(
            Reason.CORRUPT, "JPEG reaches marker " + Integer.toHexString(marker) + " before SOF");
      } else if (marker >= 0xC0 && marker <= 0xCF
          && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) { // SOFn, not DHT/JPG/DAC
        if (i + 9 > d.length) {
          throw new FrameDecodeException(
              Reason.TRUNCATED, "JPEG of " + d.length + " bytes ends inside its SOF header");
        }
        // length (2), precision (1), height (2), width (2)
        return new long[] {u16(d, i + 7), u16(d, i + 5)};
      } else {
        i += 2 + u16(d, i + 2);
      }
    }
  }

  /** Whether the JPEG ends with EOI, allowing zero padding after it as some cameras send. */
  private static boolean hasJpegEnd(byte[] d) {
    int end = d.length;
    while (end > 0 && d[end - 1] == 0) {
      end--;
    }
    return end >= 2 && (d[end - 2] & 0xFF) == 0xFF && (d[end - 1] & 0xFF) == 0xD9;
  }

  private static boolean endsWith(byte[] d, byte[] suffix) {
    if (d.length < suffix.length) {
      return false;
    }
    for (int i = 0; i < suffix.length; i++) {
      if (d[d.length - suffix.length + i] != suffix[i]) {
        return false;
      }
    }
    return true;
  }

  private static int u16(byte[] d, int at) {
    return (d[at] & 0xFF) << 8 | (d[at + 1] & 0xFF);
  }

  private static long u32(byte[] d, int at) {
    return (long) u16(d, at) << 16 | u16(d, at + 2);
  }
}
