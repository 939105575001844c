package io.clipline.inference;

import io.clipline.imaging.CropGeometry;
import io.clipline.scoring.FrameFeatures;
import java.util.List;

/**
 * What the model stage made of a batch: the engine's view of every frame (a tiled frame's tiles
 * already stitched into one) and, per frame, where its map lies in it. The model output of an
 * {@link io.clipline.worker.InferredBatch} of {@link ModelFrameScorer}.
 *
 * @param frames the batch's features, frame {@code i} at index {@code i}
 * @param crops per frame, where the frame's anomaly map lies in the frame
 */
public record EncodedBatch(List<FrameFeatures> frames, CropGeometry[] crops) {
  public EncodedBatch {
    frames = List.copyOf(frames);
    if (frames.size() != crops.length) {
      throw new IllegalArgumentException(
          "crops: expected one per frame (" + frames.size() + "), got " + crops.length);
    }
  }
}
