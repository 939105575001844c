package io.clipline.imaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clipline.imaging.FrameDecodeException.Reason;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.MatOfInt;
import org.opencv.imgcodecs.Imgcodecs;

class FrameDecoderTest {
  private static final int W = 40;
  private static final int H = 30;
  private final FrameDecoder decoder = new FrameDecoder(FrameLimits.DEFAULT);

  @BeforeAll
  static void loadOpenCv() {
    OpenCvNatives.load();
  }

  @Test
  void shouldReturnSamePixelsWhenColourPngRoundTrips() {
    byte[] pixels = gradient(3);

    DecodedFrame frame = decoder.decode(encode(".png", pixels, 3), PixelEncoding.PNG, W, H);

    assertEquals(3, frame.channels());
    assertArrayEquals(pixels, frame.pixels());
  }

  @Test
  void shouldKeepOneChannelWhenGrayPngRoundTrips() {
    byte[] pixels = gradient(1);

    DecodedFrame frame = decoder.decode(encode(".png", pixels, 1), PixelEncoding.PNG, W, H);

    assertEquals(1, frame.channels());
    assertArrayEquals(pixels, frame.pixels());
  }

  @Test
  void shouldDropAlphaWhenPngHasFourChannels() {
    byte[] bgra = gradient(4);

    DecodedFrame frame = decoder.decode(encode(".png", bgra, 4), PixelEncoding.PNG, W, H);

    assertEquals(3, frame.channels());
    assertEquals(bgra[4 * 7 + 2], frame.pixels()[3 * 7 + 2]);
  }

  @Test
  void shouldReturnNearPixelsWhenJpegRoundTrips() {
    byte[] pixels = gradient(3);

    DecodedFrame frame = decoder.decode(encode(".jpg", pixels, 3), PixelEncoding.JPEG, W, H);

    assertEquals(W, frame.width());
    assertEquals(H, frame.height());
    assertEquals(3, frame.channels());
    double error = 0;
    for (int i = 0; i < pixels.length; i++) {
      error += Math.abs((pixels[i] & 0xFF) - (frame.pixels()[i] & 0xFF));
    }
    assertTrue(error / pixels.length < 4, "mean absolute error " + error / pixels.length);
  }

  @Test
  void shouldCopyBytesWhenFrameIsRawGray8() {
    byte[] pixels = gradient(1);

    DecodedFrame frame = decoder.decode(pixels, PixelEncoding.GRAY8, W, H);

    assertEquals(1, frame.channels());
    assertArrayEquals(pixels, frame.pixels());
  }

  @Test
  void shouldCopyBytesWhenFrameIsRawBgr8() {
    byte[] pixels = gradient(3);

    DecodedFrame frame = decoder.decode(pixels, PixelEncoding.BGR8, W, H);

    assertEquals(3, frame.channels());
    assertArrayEquals(pixels, frame.pixels());
  }

  @Test
  void shouldRejectAsEmptyWhenFrameHasZeroBytes() {
    assertReason(Reason.EMPTY, () -> decoder.decode(new byte[0], PixelEncoding.JPEG, W, H));
  }

  @Test
  void shouldRejectAsTooLargeWhenBytesExceedLimit() {
    FrameDecoder small = new FrameDecoder(new FrameLimits(100, 1_000_000));

    FrameDecodeException e =
        assertReason(
            Reason.TOO_LARGE, () -> small.decode(new byte[W * H], PixelEncoding.GRAY8, W, H));
    assertTrue(e.getMessage().contains("1200 bytes, the limit is 100"), e.getMessage());
  }

  @Test
  void shouldRejectBeforeDecodingWhenPngHeaderClaims30000Squared() {
    byte[] bomb = pngHeaderOnly(30_000, 30_000);

    FrameDecodeException e =
        assertReason(
            Reason.DIMENSIONS_EXCEED_LIMIT, () -> decoder.decode(bomb, PixelEncoding.PNG, W, H));
    assertTrue(e.getMessage().contains("30000 × 30000"), e.getMessage());
  }

  @Test
  void shouldRejectWhenDeclaredSizeExceedsPixelLimit() {
    FrameDecoder small = new FrameDecoder(new FrameLimits(1 << 20, 100));

    assertReason(
        Reason.DIMENSIONS_EXCEED_LIMIT,
        () -> small.decode(new byte[W * H], PixelEncoding.GRAY8, W, H));
  }

  @Test
  void shouldRejectWhenJpegSofSizeExceedsPixelLimit() {
    FrameDecoder small = new FrameDecoder(new FrameLimits(1 << 20, W * H - 1));
    byte[] jpeg = encode(".jpg", gradient(3), 3);

    // declared small, so only the SOF header can tell
    FrameDecodeException e =
        assertReason(
            Reason.DIMENSIONS_EXCEED_LIMIT, () -> small.decode(jpeg, PixelEncoding.JPEG, 4, 3));
    assertTrue(e.getMessage().contains("JPEG header size 40 × 30"), e.getMessage());
  }

  @Test
  void shouldRejectAsTruncatedWhenJpegLosesItsTail() {
    byte[] jpeg = encode(".jpg", gradient(3), 3);
    byte[] half = Arrays.copyOf(jpeg, jpeg.length / 2);

    assertReason(Reason.TRUNCATED, () -> decoder.decode(half, PixelEncoding.JPEG, W, H));
  }

  @Test
  void shouldRejectAsTruncatedWhenJpegEndsInsideItsHeader() {
    byte[] jpeg = encode(".jpg", gradient(3), 3);
    byte[] start = Arrays.copyOf(jpeg, 20);

    assertReason(Reason.TRUNCATED, () -> decoder.decode(start, PixelEncoding.JPEG, W, H));
  }

  @Test
  void shouldRejectAsTruncatedWhenPngLosesItsTail() {
    byte[] png = encode(".png", gradient(3), 3);
    byte[] half = Arrays.copyOf(png, png.length - 20);

    assertReason(Reason.TRUNCATED, () -> decoder.decode(half, PixelEncoding.PNG, W, H));
  }

  @Test
  void shouldRejectAsCorruptWhenBytesAreNotTheDeclaredFormat() {
    byte[] png = encode(".png", gradient(3), 3);

    assertReason(Reason.CORRUPT, () -> decoder.decode(png, PixelEncoding.JPEG, W, H));
  }

  @Test
  void shouldRejectAsCorruptWhenPngDataIsGarbled() {
    byte[] png = encode(".png", gradient(3), 3);
    for (int i = 41; i < png.length - 12; i++) { // IDAT payload, keeping header and IEND
      png[i] = (byte) (i * 31);
    }

    assertReason(Reason.CORRUPT, () -> decoder.decode(png, PixelEncoding.PNG, W, H));
  }

  @Test
  void shouldRejectAsSizeMismatchWhenRawByteCountIsWrong() {
    FrameDecodeException e =
        assertReason(
            Reason.SIZE_MISMATCH,
            () -> decoder.decode(new byte[W * H], PixelEncoding.BGR8, W, H));
    assertTrue(e.getMessage().contains("needs 3600 bytes, got 1200"), e.getMessage());
  }

  @Test
  void shouldRejectAsSizeMismatchWhenHeaderDisagreesWithDeclaredSize() {
    byte[] png = encode(".png", gradient(3), 3);

    assertReason(Reason.SIZE_MISMATCH, () -> decoder.decode(png, PixelEncoding.PNG, H, W));
  }

  @Test
  void shouldRejectAsUnknownEncodingWhenNameIsNotKnown() {
    FrameDecodeException e = assertReason(Reason.UNKNOWN_ENCODING, () -> PixelEncoding.of("TIFF"));

    assertEquals("decode.unknown_encoding", e.reason().code());
    assertTrue(e.getMessage().contains("[JPEG, PNG, GRAY8, BGR8]"), e.getMessage());
  }

  @Test
  void shouldRejectAsUnknownEncodingWhenEncodingIsNull() {
    assertReason(Reason.UNKNOWN_ENCODING, () -> decoder.decode(new byte[1], null, W, H));
  }

  @Test
  void shouldParseEncodingWhenCaseDiffers() {
    assertEquals(PixelEncoding.GRAY8, PixelEncoding.of("gray8"));
  }

  private static FrameDecodeException assertReason(Reason reason, Runnable action) {
    FrameDecodeException e = assertThrows(FrameDecodeException.class, action::run);
    assertEquals(reason, e.reason(), e.getMessage());
    assertTrue(e.getMessage().startsWith(reason.code() + ": "), e.getMessage());
    return e;
  }

  /** W × H pixels, {@code channels} bytes each, smooth enough for JPEG to keep. */
  static byte[] gradient(int channels) {
    byte[] pixels = new byte[W * H * channels];
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        for (int c = 0; c < channels; c++) {
          pixels[(y * W + x) * channels + c] = (byte) (x * 4 + y * 2 + c * 40);
        }
      }
    }
    return pixels;
  }

  static byte[] encode(String extension, byte[] pixels, int channels) {
    Mat image = new Mat(H, W, CvType.CV_8UC(channels));
    MatOfByte encoded = new MatOfByte();
    try {
      image.put(0, 0, pixels);
      assertTrue(Imgcodecs.imencode(extension, image, encoded, new MatOfInt()));
      return encoded.toArray();
    } finally {
      encoded.release();
      image.release();
    }
  }

  /** A PNG signature and IHDR chunk claiming {@code width × height}, and an empty IEND. */
  private static byte[] pngHeaderOnly(int width, int height) {
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    png.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
    ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height);
    ihdr.put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
    chunk(png, "IHDR", ihdr.array());
    chunk(png, "IEND", new byte[0]);
    return png.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    CRC32 crc = new CRC32();
    crc.update(type.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    crc.update(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    out.writeBytes(type.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    out.writeBytes(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }
}
