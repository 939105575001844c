package io.clipline.worker;

import io.clipline.imaging.DecodedFrame;
import io.clipline.imaging.Preprocessor.PreparedFrame;
import java.util.Objects;
import java.util.Optional;

/**
 * A decoded frame with what scoring needs to know about it.
 *
 * <p>A frame holds its decoded pixels until its scorer {@link FrameScorer#prepare prepares} it;
 * from then on it holds the prepared model input only, and its size. The worker keeps up to
 * {@code inflight.max.frames} frames between decoding and scoring, and a 12 MP colour frame
 * decodes to 36 MB, against 150 KB for a 224 × 224 input: dropping the pixels that no stage reads
 * again is what keeps the worker's heap bounded by its model input, not its cameras.
 *
 * @param frameId the frame's id
 * @param cameraId the camera that took it
 * @param product product or SKU code; empty when unknown
 * @param width the decoded frame's width in pixels
 * @param height the decoded frame's height in pixels
 * @param image the decoded pixels, until the frame is prepared; empty after
 * @param prepared the pixels made ready for the scorer's model by {@link FrameScorer#prepare},
 *     when it ran; empty before, or for a scorer without a model input
 */
public record ScorableFrame(String frameId, String cameraId, String product, int width,
    int height, Optional<DecodedFrame> image, Optional<PreparedFrame> prepared) {
  public ScorableFrame {
    Objects.requireNonNull(frameId, "frameId");
    Objects.requireNonNull(cameraId, "cameraId");
    Objects.requireNonNull(product, "product");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(prepared, "prepared");
    if (image.isEmpty() && prepared.isEmpty()) {
      throw new IllegalArgumentException(
          "frame " + frameId + ": a frame holds its decoded pixels, its prepared input or both");
    }
  }

  /** A decoded frame, not prepared yet. */
  public ScorableFrame(String frameId, String cameraId, String product, DecodedFrame image) {
    this(frameId, cameraId, product, image.width(), image.height(), Optional.of(image),
        Optional.empty());
  }

  /**
   * This frame with {@code input} as its {@link #prepared} model input and without its decoded
   * pixels, which no later stage reads.
   */
  public ScorableFrame withPrepared(PreparedFrame input) {
    return new ScorableFrame(frameId, cameraId, product, width, height, Optional.empty(),
        Optional.of(input));
  }

  /**
   * The decoded pixels, for a scorer that reads them itself (one that does not {@link
   * FrameScorer#prepare}).
   *
   * @throws IllegalStateException when the frame was prepared, which released them
   */
  public DecodedFrame pixels() {
    return image.orElseThrow(() -> new IllegalStateException("frame " + frameId
        + " was prepared for the model; its decoded pixels were released"));
  }
}
