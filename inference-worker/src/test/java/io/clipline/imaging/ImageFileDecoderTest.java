package io.clipline.imaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clipline.imaging.FrameDecodeException.Reason;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageFileDecoderTest {
  private final ImageFileDecoder decoder = new ImageFileDecoder(FrameLimits.DEFAULT);

  @BeforeAll
  static void loadOpenCv() {
    OpenCvNatives.load();
  }

  @ParameterizedTest
  @CsvSource({".bmp, 1, BMP", ".bmp, 3, BMP", ".tif, 1, TIFF", ".tif, 3, TIFF", ".png, 1, PNG",
      ".png, 3, PNG"})
  void shouldDecodeEachLosslessFormatToItsPixels(
      String extension, int channels, ImageFileDecoder.Format format) {
    byte[] pixels = FrameDecoderTest.gradient(channels);
    byte[] file = FrameDecoderTest.encode(extension, pixels, channels);

    assertEquals(format, ImageFileDecoder.formatOf(file));
    DecodedFrame image = decoder.decode(file);

    assertEquals(40, image.width());
    assertEquals(30, image.height());
    assertEquals(channels, image.channels());
    assertArrayEquals(pixels, image.pixels());
  }

  @Test
  void shouldKnowAJpegByItsBytesNotItsName() {
    byte[] jpeg = FrameDecoderTest.encode(".jpg", FrameDecoderTest.gradient(1), 1);

    assertEquals(ImageFileDecoder.Format.JPEG, ImageFileDecoder.formatOf(jpeg));
    assertEquals(40, decoder.decode(jpeg).width());
  }

  @Test
  void shouldNameTheFirstBytesWhenTheFormatIsUnknown() {
    FrameDecodeException e = assertThrows(FrameDecodeException.class,
        () -> decoder.decode(new byte[] {'G', 'I', 'F', '8', '9', 'a'}));

    assertEquals(Reason.UNKNOWN_ENCODING, e.reason());
    assertTrue(e.getMessage().contains("starts with 47 49 46 38"), e.getMessage());
    assertEquals(Reason.EMPTY,
        assertThrows(FrameDecodeException.class, () -> decoder.decode(new byte[0])).reason());
  }

  @Test
  void shouldRefuseABmpWhoseHeaderExceedsThePixelLimitBeforeDecodingIt() {
    ByteBuffer header = ByteBuffer.allocate(54).order(ByteOrder.LITTLE_ENDIAN);
    header.put((byte) 'B').put((byte) 'M').putInt(54).putInt(0).putInt(54);
    header.putInt(40).putInt(100_000).putInt(-100_000); // a top-down 100 000 × 100 000 bitmap

    FrameDecodeException e =
        assertThrows(FrameDecodeException.class, () -> decoder.decode(header.array()));

    assertEquals(Reason.DIMENSIONS_EXCEED_LIMIT, e.reason());
    assertTrue(e.getMessage().contains("100000 × 100000"), e.getMessage());
  }

  @Test
  void shouldRefuseATiffLargerThanThePixelLimit() {
    ImageFileDecoder small = new ImageFileDecoder(new FrameLimits(1 << 20, 40 * 30 - 1));
    byte[] tiff = FrameDecoderTest.encode(".tif", FrameDecoderTest.gradient(1), 1);

    FrameDecodeException e = assertThrows(FrameDecodeException.class, () -> small.decode(tiff));

    assertEquals(Reason.DIMENSIONS_EXCEED_LIMIT, e.reason());
  }
}
