package io.clipline.worker;

import io.clipline.imaging.DecodedFrame;
import io.clipline.imaging.Preprocessor.PreparedFrame;
import java.util.Objects;
import java.util.Optional;

/**
 * A decoded frame with what scoring needs to know about it.
 *
 * @param frameId the frame's id
 * @param cameraId the camera that took it
 * @param product product or SKU code; empty when unknown
 * @param image the decoded pixels
 * @param prepared the pixels made ready for the scorer's model by {@link FrameScorer#prepare},
 *     when it ran; empty before, or for a scorer without a model input
 */
public record ScorableFrame(String frameId, String cameraId, String product, DecodedFrame image,
    Optional<PreparedFrame> prepared) {
  public ScorableFrame {
    Objects.requireNonNull(frameId, "frameId");
    Objects.requireNonNull(cameraId, "cameraId");
    Objects.requireNonNull(product, "product");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(prepared, "prepared");
  }

  /** A frame not prepared yet. */
  public ScorableFrame(String frameId, String cameraId, String product, DecodedFrame image) {
    this(frameId, cameraId, product, image, Optional.empty());
  }

  /** This frame with {@code input} as its {@link #prepared} model input. */
  public ScorableFrame withPrepared(PreparedFrame input) {
    return new ScorableFrame(frameId, cameraId, product, image, Optional.of(input));
  }
}
