package io.clipline.console.internal;

import io.clipline.console.ConsoleConfig;
import io.clipline.schemas.CameraFrame;
import io.clipline.schemas.FramePosition;
import io.clipline.schemas.serde.RecordDecodeException;
import io.clipline.schemas.topic.TopicCatalog;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The image of a frame for the browser, fetched on demand from the frames topic at the position
 * its verdict names (one assign, seek and poll of a group-less consumer that only this class's
 * thread touches), or from the frame's claim-check URI. JPEG and PNG go to the browser as they
 * are; raw GRAY8 and BGR8 pixels are encoded as PNG with the JDK's ImageIO. The last {@code
 * image.cache.frames} images are kept. Thread-safe.
 */
public final class FrameImages implements AutoCloseable {
  private static final long FETCH_TIMEOUT_MS = 10_000;

  /** An image ready to send: its content type and bytes. */
  public record Image(String contentType, byte[] bytes) {}

  /** The frame's image cannot be had: the record is gone, not a frame, or undecodable. */
  public static final class FrameImageException extends Exception {
    private static final long serialVersionUID = 1L;

    FrameImageException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final Deserializer<CameraFrame> serde;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "clipline-console-frames");
    t.setDaemon(true);
    return t;
  });
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Map<String, Image> cache;

  public FrameImages(ConsoleConfig config) {
    this.serde = config.serdeSettings().serdeFor(CameraFrame.class).deserializer();
    Map<String, Object> props = LiveFeed.consumerProps(config, "clipline-console-frames");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, TopicCatalog.MAX_FRAME_BYTES);
    props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, TopicCatalog.MAX_FRAME_BYTES);
    props.putAll(config.clientOverrides("consumer."));
    this.consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    int cached = config.getInt(ConsoleConfig.IMAGE_CACHE_FRAMES);
    this.cache = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Image> eldest) {
        return size() > cached;
      }
    };
  }

  /** The image of the frame at {@code position}, whose frameId must be {@code frameId}. */
  public Image fetch(String frameId, FramePosition position) throws FrameImageException {
    synchronized (cache) {
      Image hit = cache.get(frameId);
      if (hit != null) {
        return hit;
      }
    }
    Future<CameraFrame> frame = thread.submit(() -> read(position));
    CameraFrame read;
    try {
      read = frame.get(FETCH_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new FrameImageException(e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      frame.cancel(true);
      throw new FrameImageException("no frame at " + describe(position) + " within "
          + FETCH_TIMEOUT_MS + " ms", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FrameImageException("interrupted", e);
    }
    if (!read.getFrameId().equals(frameId)) {
      throw new FrameImageException("the record at " + describe(position) + " is frame "
          + read.getFrameId() + ", not " + frameId, null);
    }
    Image image = toBrowser(read);
    synchronized (cache) {
      cache.put(frameId, image);
    }
    return image;
  }

  /** On the fetch thread: the frame record at {@code position}. */
  private CameraFrame read(FramePosition position) {
    TopicPartition tp = new TopicPartition(position.getTopic(), position.getPartition());
    consumer.assign(List.of(tp));
    consumer.seek(tp, position.getOffset());
    long deadline = System.currentTimeMillis() + FETCH_TIMEOUT_MS;
    while (System.currentTimeMillis() < deadline) {
      for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
        if (record.offset() != position.getOffset()) {
          throw new IllegalStateException("no record at " + describe(position)
              + " any more (retention?); the next is at offset " + record.offset());
        }
        try {
          return serde.deserialize(record.topic(), record.value());
        } catch (RecordDecodeException e) {
          throw new IllegalStateException("the record at " + describe(position)
              + " is not a CameraFrame: " + e.getMessage(), e);
        }
      }
    }
    throw new IllegalStateException("no record at " + describe(position) + " within "
        + FETCH_TIMEOUT_MS + " ms");
  }

  private Image toBrowser(CameraFrame frame) throws FrameImageException {
    byte[] bytes = frame.getImage() != null ? bytes(frame.getImage()) : claimCheck(frame);
    switch (frame.getEncoding()) {
      case JPEG:
        return new Image("image/jpeg", bytes);
      case PNG:
        return new Image("image/png", bytes);
      case GRAY8:
        return png(raw(frame, bytes, BufferedImage.TYPE_BYTE_GRAY, 1));
      case BGR8:
        // TYPE_3BYTE_BGR keeps its samples in B, G, R byte order, the frame's own layout.
        return png(raw(frame, bytes, BufferedImage.TYPE_3BYTE_BGR, 3));
      default:
        throw new FrameImageException("frame " + frame.getFrameId() + " has encoding "
            + frame.getEncoding() + ", which the console cannot show", null);
    }
  }

  private static BufferedImage raw(CameraFrame frame, byte[] bytes, int type, int channels)
      throws FrameImageException {
    int width = frame.getWidth();
    int height = frame.getHeight();
    if (width < 1 || height < 1 || (long) width * height * channels != bytes.length) {
      throw new FrameImageException("frame " + frame.getFrameId() + ": " + bytes.length
          + " bytes do not make a " + width + " x " + height + " " + frame.getEncoding()
          + " image", null);
    }
    BufferedImage image = new BufferedImage(width, height, type);
    byte[] target = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    System.arraycopy(bytes, 0, target, 0, bytes.length);
    return image;
  }

  private static Image png(BufferedImage image) throws FrameImageException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new FrameImageException("cannot encode PNG: " + e.getMessage(), e);
    }
    return new Image("image/png", out.toByteArray());
  }

  private byte[] claimCheck(CameraFrame frame) throws FrameImageException {
    String uri = frame.getImageUri();
    if (uri == null) {
      throw new FrameImageException("frame " + frame.getFrameId() + " has no image", null);
    }
    try {
      URI parsed = URI.create(uri);
      if ("file".equals(parsed.getScheme())) {
        return readLimited(Files.newInputStream(Path.of(parsed)));
      }
      if ("http".equals(parsed.getScheme()) || "https".equals(parsed.getScheme())) {
        HttpResponse<InputStream> response = http.send(
            HttpRequest.newBuilder(parsed).timeout(Duration.ofSeconds(5)).GET().build(),
            HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
          response.body().close();
          throw new IOException("HTTP " + response.statusCode());
        }
        return readLimited(response.body());
      }
      throw new IOException("unsupported scheme " + parsed.getScheme());
    } catch (IOException | IllegalArgumentException e) {
      throw new FrameImageException("cannot fetch " + uri + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FrameImageException("interrupted fetching " + uri, e);
    }
  }

  /** At most the frames topic's largest message, so one request cannot fill the heap. */
  private static byte[] readLimited(InputStream stream) throws IOException {
    try (InputStream in = stream) {
      byte[] bytes = in.readNBytes(TopicCatalog.MAX_FRAME_BYTES + 1);
      if (bytes.length > TopicCatalog.MAX_FRAME_BYTES) {
        throw new IOException("larger than " + TopicCatalog.MAX_FRAME_BYTES + " bytes");
      }
      return bytes;
    }
  }

  private static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer copy = buffer.duplicate();
    byte[] bytes = new byte[copy.remaining()];
    copy.get(bytes);
    return bytes;
  }

  private static String describe(FramePosition p) {
    return p.getTopic() + "-" + p.getPartition() + "@" + p.getOffset();
  }

  @Override
  public void close() {
    // The consumer belongs to the fetch thread: close it there, then stop the thread.
    Future<?> closed = thread.submit(() -> consumer.close(Duration.ofSeconds(2)));
    try {
      closed.get(5, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // Best effort at shutdown.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    thread.shutdownNow();
  }
}
