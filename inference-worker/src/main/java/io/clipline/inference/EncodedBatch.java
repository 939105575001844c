package io.clipline.inference;

import io.clipline.imaging.CropGeometry;
import io.clipline.model.ImageFeatures;

/**
 * What the model stage made of a batch: the image tower's features of every frame and, per
 * frame, where the model input lies in it. The model output of an {@link
 * io.clipline.worker.InferredBatch} of {@link ModelFrameScorer}.
 *
 * @param features the batch's features, frame {@code i} at index {@code i} of each layer
 * @param crops per frame, the crop of the frame the model saw
 */
public record EncodedBatch(ImageFeatures features, CropGeometry[] crops) {}
