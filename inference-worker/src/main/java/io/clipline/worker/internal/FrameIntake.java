package io.clipline.worker.internal;

import io.clipline.imaging.DecodedFrame;
import io.clipline.imaging.FrameDecodeException;
import io.clipline.imaging.FrameDecoder;
import io.clipline.imaging.PixelEncoding;
import io.clipline.schemas.CameraFrame;
import io.clipline.schemas.FrameEncoding;
import io.clipline.schemas.serde.RecordDecodeException;
import io.clipline.worker.ScorableFrame;
import java.nio.ByteBuffer;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Turns one raw frames-topic record into a frame ready to score: reads the Avro record, checks
 * it, fetches a claim-check image, checks the size limits, decodes the pixels and has the scorer
 * prepare them for its model ({@link io.clipline.worker.FrameScorer#prepare}: the resize of a
 * large frame runs here, on the decode threads, not on the model thread). Every refusal is a
 * {@link FrameRejectedException} naming the stage and the reason. Thread-safe.
 */
public final class FrameIntake {
  /** A frame that passed intake, with its metadata and the time each step took. */
  public record Prepared(CameraFrame meta, ScorableFrame frame, float fetchMs, float decodeMs) {}

  private final Deserializer<CameraFrame> values;
  private final String framesTopic;
  private final FrameDecoder decoder;
  private final ClaimCheckFetcher fetcher;
  private final int maxBytes;
  private final UnaryOperator<ScorableFrame> preparer;

  /**
   * @param values reads frames-topic values in the configured wire format ({@code
   *     serde.format}); a value in the other format is refused with {@code schema.wrong_format}
   * @param framesTopic the topic the values come from (the registry format's subject)
   * @param preparer the scorer's per-frame preparation, run after decoding (its time counts as
   *     decoding's, as {@code StageLatencies.decodeMs} says); a throw refuses the frame with
   *     {@code decode.prepare_failed}
   */
  public FrameIntake(Deserializer<CameraFrame> values, String framesTopic, FrameDecoder decoder,
      ClaimCheckFetcher fetcher, int maxBytes, UnaryOperator<ScorableFrame> preparer) {
    this.values = values;
    this.framesTopic = framesTopic;
    this.decoder = decoder;
    this.fetcher = fetcher;
    this.maxBytes = maxBytes;
    this.preparer = preparer;
  }

  /** Reads the record only, for dead letters of frames refused later. */
  public CameraFrame read(byte[] value) {
    if (value == null) {
      throw new FrameRejectedException(FrameRejectedException.Stage.DESERIALIZE,
          "schema.null_value", "the record has no value (a tombstone on the frames topic)", null);
    }
    try {
      return values.deserialize(framesTopic, value);
    } catch (RecordDecodeException e) {
      throw new FrameRejectedException(
          FrameRejectedException.Stage.DESERIALIZE, e.reason().code(), e.getMessage(), e);
    } catch (SerializationException e) {
      // Not a property of the record: the schema registry did not answer for a schema id that
      // this reader has not cached yet. The frame is kept, with a reason that says so.
      throw new FrameRejectedException(FrameRejectedException.Stage.DESERIALIZE,
          "schema.registry_unavailable", e.getMessage(), e);
    }
  }

  /** Reads, checks, fetches, decodes and prepares one frame. */
  public Prepared prepare(byte[] value) {
    CameraFrame meta = read(value);
    PixelEncoding encoding = encodingOf(meta);
    long fetchStart = System.nanoTime();
    byte[] image = imageBytes(meta);
    float fetchMs = millisSince(fetchStart);
    if (image.length > maxBytes) {
      throw new FrameRejectedException(FrameRejectedException.Stage.VALIDATE, "validate.too_large",
          "image holds " + image.length + " bytes, more than frame.max.bytes=" + maxBytes, null);
    }
    long decodeStart = System.nanoTime();
    DecodedFrame decoded;
    try {
      decoded = decoder.decode(image, encoding, meta.getWidth(), meta.getHeight());
    } catch (FrameDecodeException e) {
      throw new FrameRejectedException(
          FrameRejectedException.Stage.DECODE, e.reason().code(), e.getMessage(), e);
    }
    ScorableFrame frame =
        new ScorableFrame(meta.getFrameId(), meta.getCameraId(), meta.getProduct(), decoded);
    try {
      frame = preparer.apply(frame);
    } catch (RuntimeException e) {
      throw new FrameRejectedException(FrameRejectedException.Stage.DECODE,
          "decode.prepare_failed", "preparing the decoded frame for the model failed: " + e, e);
    }
    return new Prepared(meta, frame, fetchMs, millisSince(decodeStart));
  }

  private byte[] imageBytes(CameraFrame meta) {
    ByteBuffer inline = meta.getImage();
    String uri = meta.getImageUri();
    if (inline != null && uri != null) {
      throw new FrameRejectedException(FrameRejectedException.Stage.VALIDATE,
          "validate.image_and_uri", "both image and imageUri are set; exactly one must be", null);
    }
    if (inline == null && uri == null) {
      throw new FrameRejectedException(FrameRejectedException.Stage.VALIDATE,
          "validate.no_image", "neither image nor imageUri is set; exactly one must be", null);
    }
    if (uri != null) {
      return fetcher.fetch(uri);
    }
    ByteBuffer view = inline.duplicate();
    byte[] bytes = new byte[view.remaining()];
    view.get(bytes);
    return bytes;
  }

  private static PixelEncoding encodingOf(CameraFrame meta) {
    FrameEncoding encoding = meta.getEncoding();
    switch (encoding) {
      case JPEG:
        return PixelEncoding.JPEG;
      case PNG:
        return PixelEncoding.PNG;
      case GRAY8:
        return PixelEncoding.GRAY8;
      case BGR8:
        return PixelEncoding.BGR8;
      default:
        throw new FrameRejectedException(FrameRejectedException.Stage.DECODE,
            "decode.unknown_encoding",
            "encoding must be one of JPEG, PNG, GRAY8, BGR8, got " + encoding, null);
    }
  }

  private static float millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e6f;
  }
}
