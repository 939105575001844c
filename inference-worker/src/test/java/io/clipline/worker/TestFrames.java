package io.clipline.worker;

import io.clipline.schemas.CameraFrame;
import io.clipline.schemas.FrameEncoding;
import io.clipline.schemas.serde.AvroSerde;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import javax.imageio.ImageIO;

/** Camera frames for worker tests, encoded with the JDK's image codecs. */
final class TestFrames {
  static final AvroSerde<CameraFrame> SERDE = AvroSerde.of(CameraFrame.class);

  private TestFrames() {}

  static CameraFrame.Builder frame(String frameId, int camera, long sequence) {
    return CameraFrame.newBuilder()
        .setFrameId(frameId)
        .setCameraId("line-1/station-1/cam-" + camera)
        .setLineId("line-1")
        .setStationId("station-1")
        .setSequence(sequence)
        .setCaptureTime(Instant.now())
        .setProduct("tile")
        .setAttributes(Map.of());
  }

  /** A JPEG frame of uniform gray {@code level}. */
  static CameraFrame jpeg(String frameId, int camera, long sequence, int level) {
    return frame(frameId, camera, sequence)
        .setEncoding(FrameEncoding.JPEG)
        .setImage(ByteBuffer.wrap(encode(level, "jpg")))
        .build();
  }

  static byte[] encode(int level, String format) {
    BufferedImage image = new BufferedImage(32, 24, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < 24; y++) {
      for (int x = 0; x < 32; x++) {
        image.getRaster().setSample(x, y, 0, level);
      }
    }
    try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      ImageIO.write(image, format, out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
