package io.clipline.camera;

import io.clipline.schemas.FrameEncoding;
import java.util.Objects;

/**
 * One image from a {@link FrameSource}, ready to go into a {@code CameraFrame}: the encoded
 * bytes, their encoding, the size (0 when the source does not know it for JPEG or PNG), the
 * product the camera looks at, and the ground truth.
 */
public record SourceFrame(
    byte[] image, FrameEncoding encoding, int width, int height, String product,
    GroundTruth truth) {
  public SourceFrame {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(encoding, "encoding");
    Objects.requireNonNull(product, "product");
    Objects.requireNonNull(truth, "truth");
    if (image.length == 0) {
      throw new IllegalArgumentException("image must hold at least one byte, got 0");
    }
    if (encoding == FrameEncoding.UNKNOWN) {
      throw new IllegalArgumentException("encoding must be JPEG, PNG, GRAY8 or BGR8, got UNKNOWN");
    }
    if (width < 0 || height < 0) {
      throw new IllegalArgumentException("size must not be negative, got " + width + "x" + height);
    }
  }
}
