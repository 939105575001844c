package io.clipline.inference;

import io.clipline.imaging.CropGeometry;
import io.clipline.scoring.FrameFeatures;

/**
 * One frame's features as the engine receives them and where the model input lies in the frame.
 *
 * @param features the engine's view of the frame
 * @param crop the crop of the frame the model saw
 */
public record EncodedFrame(FrameFeatures features, CropGeometry crop) {}
