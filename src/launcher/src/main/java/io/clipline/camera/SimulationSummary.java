package io.clipline.camera;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a {@link CameraSimulator} run sent, counting only frames the broker acknowledged.
 *
 * @param framesSent frames acknowledged by the broker
 * @param bytesSent serialized key and value bytes of those frames
 * @param framesPerCamera camera id → frames, in camera order
 * @param labelsSent ground-truth label → frames
 * @param defectsByType defect type → defective frames
 * @param elapsed time from the first frame to the last acknowledgement
 * @param framesDropped frames given up on: not acknowledged within the outage tolerance
 * @param droppedByReason why they were dropped (the producer's error) → frames
 */
public record SimulationSummary(
    long framesSent,
    long bytesSent,
    Map<String, Long> framesPerCamera,
    Map<GroundTruth.Label, Long> labelsSent,
    Map<String, Long> defectsByType,
    Duration elapsed,
    long framesDropped,
    Map<String, Long> droppedByReason) {
  public SimulationSummary {
    droppedByReason = Map.copyOf(droppedByReason);
    framesPerCamera = Collections.unmodifiableMap(new LinkedHashMap<>(framesPerCamera));
    labelsSent = Map.copyOf(labelsSent);
    defectsByType = Map.copyOf(defectsByType);
  }

  /** Frames per second achieved over the whole run. */
  public double achievedFramesPerSecond() {
    double seconds = elapsed.toNanos() / 1e9;
    return seconds > 0 ? framesSent / seconds : 0;
  }
}
