package io.clipline.camera.internal;

import io.clipline.camera.CameraSimException;
import io.clipline.schemas.FrameEncoding;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Encodes 8-bit gray or B,G,R pixels as a {@code CameraFrame} image: PNG or JPEG through
 * javax.imageio (pure Java, nothing native to load), or the raw bytes for GRAY8 and BGR8.
 */
public final class FrameImageWriter {
  private static final float JPEG_QUALITY = 0.9f;
  /** For PNG, javax.imageio maps quality to the deflate effort: 0.9 is fast at nearly equal size. */
  private static final float PNG_SPEED = 0.9f;

  private FrameImageWriter() {}

  /**
   * Encodes {@code pixels}: row-major, {@code channels} bytes per pixel (1 = gray, 3 = B,G,R).
   */
  public static byte[] encode(
      byte[] pixels, int width, int height, int channels, FrameEncoding encoding) {
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("channels must be 1 (gray) or 3 (BGR), got " + channels);
    }
    if (pixels.length != width * height * channels) {
      throw new IllegalArgumentException("pixels of " + width + "x" + height + "x" + channels
          + " need " + width * height * channels + " bytes, got " + pixels.length);
    }
    return switch (encoding) {
      case GRAY8 -> requireChannels(pixels, channels, 1, encoding);
      case BGR8 -> requireChannels(pixels, channels, 3, encoding);
      case PNG -> write(image(pixels, width, height, channels), "png");
      case JPEG -> write(image(pixels, width, height, channels), "jpeg");
      default -> throw new IllegalArgumentException(
          "encoding must be JPEG, PNG, GRAY8 or BGR8, got " + encoding);
    };
  }

  private static byte[] requireChannels(
      byte[] pixels, int channels, int expected, FrameEncoding encoding) {
    if (channels != expected) {
      throw new IllegalArgumentException(
          encoding + " needs " + expected + " channel(s), got " + channels);
    }
    return pixels.clone();
  }

  private static BufferedImage image(byte[] pixels, int width, int height, int channels) {
    // TYPE_3BYTE_BGR stores its raster as B,G,R bytes, the same layout as our pixels.
    BufferedImage image = new BufferedImage(width, height,
        channels == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
    byte[] raster = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    System.arraycopy(pixels, 0, raster, 0, pixels.length);
    return image;
  }

  private static byte[] write(BufferedImage image, String format) {
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName(format);
    if (!writers.hasNext()) {
      throw new CameraSimException("no javax.imageio writer for " + format + " in this JVM");
    }
    ImageWriter writer = writers.next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(image.getWidth() * image.getHeight());
    // In memory: ImageIO.createImageOutputStream may cache through a temporary file.
    try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      if (param.canWriteCompressed()) {
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(format.equals("jpeg") ? JPEG_QUALITY : PNG_SPEED);
      }
      writer.write(null, new IIOImage(image, null, null), param);
    } catch (IOException e) {
      throw new CameraSimException("cannot encode a " + image.getWidth() + "x"
          + image.getHeight() + " frame as " + format + ": " + e.getMessage(), e);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }
}
