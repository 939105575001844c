package io.clipline.worker;

import io.clipline.imaging.DecodedFrame;
import java.util.Objects;

/**
 * A decoded frame with what scoring needs to know about it.
 *
 * @param frameId the frame's id
 * @param cameraId the camera that took it
 * @param product product or SKU code; empty when unknown
 * @param image the decoded pixels
 */
public record ScorableFrame(String frameId, String cameraId, String product, DecodedFrame image) {
  public ScorableFrame {
    Objects.requireNonNull(frameId, "frameId");
    Objects.requireNonNull(cameraId, "cameraId");
    Objects.requireNonNull(product, "product");
    Objects.requireNonNull(image, "image");
  }
}
