package io.clipline.camera;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;

/**
 * Kafka headers in which the simulator sends a frame's ground truth, for evaluation only: the
 * worker must never read them to score. A frame whose truth is unknown gets neither header.
 */
public final class GroundTruthHeaders {
  /** {@code 0} = normal, {@code 1} = defective. */
  public static final String LABEL = "clipline.gt.label";

  /** The defect type name, e.g. {@code scratch}; only on defective frames. */
  public static final String DEFECT = "clipline.gt.defect";

  private GroundTruthHeaders() {}

  /** Adds the headers for {@code truth} to {@code headers}. */
  public static void write(GroundTruth truth, Headers headers) {
    switch (truth.label()) {
      case NORMAL -> headers.add(LABEL, "0".getBytes(StandardCharsets.UTF_8));
      case DEFECTIVE -> {
        headers.add(LABEL, "1".getBytes(StandardCharsets.UTF_8));
        headers.add(DEFECT, truth.defectType().getBytes(StandardCharsets.UTF_8));
      }
      default -> {
        // Unknown truth: no header, so an evaluator cannot mistake it for normal.
      }
    }
  }
}
