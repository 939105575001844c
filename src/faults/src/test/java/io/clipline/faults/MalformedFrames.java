package io.clipline.faults;

import io.clipline.schemas.CameraFrame;
import io.clipline.schemas.FrameEncoding;
import io.clipline.schemas.serde.AvroSerde;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Supplier;
import javax.imageio.ImageIO;

/**
 * Kinds of bad frames-topic record, each with the dead-letter reason code the worker must give
 * it: broken bytes, broken Avro, impossible images, bad claim checks. Every value is new (fresh
 * frame id), so a kind can be sent many times.
 */
final class MalformedFrames {
  /** The {@code frame.max.bytes} the worker runs with, so that {@code validate.too_large} fires. */
  static final int FRAME_MAX_BYTES = 65_536;
  private static final AvroSerde<CameraFrame> SERDE = AvroSerde.of(CameraFrame.class);

  private MalformedFrames() {}

  /** Reason code to a maker of one record value ({@code null}: a tombstone). */
  static Map<String, Supplier<byte[]>> kinds() {
    byte[] jpeg = encode("jpg");
    byte[] png = encode("png");
    Random random = new Random(7);
    Map<String, Supplier<byte[]>> kinds = new LinkedHashMap<>();
    kinds.put("schema.null_value", () -> null);
    kinds.put("schema.not_avro", () -> "{\"frameId\":\"json\"}".getBytes(StandardCharsets.UTF_8));
    kinds.put("schema.unknown_fingerprint", () -> {
      byte[] b = new byte[40];
      random.nextBytes(b);
      b[0] = (byte) 0xC3;
      b[1] = 0x01;
      return b;
    });
    kinds.put("schema.truncated", () -> {
      byte[] whole = SERDE.encode(frame(FrameEncoding.PNG, png, null).build());
      return Arrays.copyOf(whole, 14);
    });
    kinds.put("decode.empty", () -> bytes(frame(FrameEncoding.PNG, new byte[0], null)));
    kinds.put("decode.truncated",
        () -> bytes(frame(FrameEncoding.JPEG, Arrays.copyOf(jpeg, jpeg.length / 2), null)));
    kinds.put("decode.dimensions_exceed_limit",
        () -> bytes(frame(FrameEncoding.PNG, pngHeader(30_000, 30_000), null)));
    kinds.put("decode.size_mismatch",
        () -> bytes(frame(FrameEncoding.GRAY8, new byte[10], null).setWidth(32).setHeight(24)));
    kinds.put("decode.unknown_encoding", () -> bytes(frame(FrameEncoding.UNKNOWN, png, null)));
    kinds.put("validate.no_image", () -> bytes(frame(FrameEncoding.PNG, null, null)));
    kinds.put("validate.image_and_uri",
        () -> bytes(frame(FrameEncoding.PNG, png, "file:///tmp/clipline-frame.png")));
    kinds.put("validate.too_large",
        () -> bytes(frame(FrameEncoding.PNG, new byte[FRAME_MAX_BYTES + 1], null)));
    kinds.put("fetch.not_found", () -> bytes(frame(FrameEncoding.JPEG, null,
        "file:///nonexistent/clipline/" + UUID.randomUUID() + ".jpg")));
    kinds.put("fetch.unsupported_scheme",
        () -> bytes(frame(FrameEncoding.JPEG, null, "ftp://localhost/frame.jpg")));
    kinds.put("fetch.bad_uri",
        () -> bytes(frame(FrameEncoding.JPEG, null, "http://local host/a frame.jpg")));
    return kinds;
  }

  private static CameraFrame.Builder frame(FrameEncoding encoding, byte[] image, String uri) {
    return CameraFrame.newBuilder().setFrameId("bad-" + UUID.randomUUID())
        .setCameraId("line-9/station-1/cam-bad").setLineId("line-9").setStationId("station-1")
        .setSequence(0).setCaptureTime(Instant.now()).setEncoding(encoding)
        .setImage(image == null ? null : ByteBuffer.wrap(image)).setImageUri(uri);
  }

  private static byte[] bytes(CameraFrame.Builder frame) {
    return SERDE.encode(frame.build());
  }

  private static byte[] encode(String format) {
    BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < 64; y++) {
      for (int x = 0; x < 64; x++) {
        image.getRaster().setSample(x, y, 0, (x * 7 + y * 13) % 256);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, format, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The PNG signature and an IHDR chunk declaring the given size, and nothing after. */
  private static byte[] pngHeader(int width, int height) {
    ByteBuffer b = ByteBuffer.allocate(33);
    b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
    b.putInt(13).put("IHDR".getBytes(StandardCharsets.US_ASCII));
    b.putInt(width).putInt(height).put((byte) 8).put((byte) 0).put((byte) 0).put((byte) 0)
        .put((byte) 0);
    b.putInt(0);
    return b.array();
  }
}
