package io.clipline.scoring;

/**
 * Zero-shot text term of a frame's score.
 *
 * @param imageProbability softmax probability of "anomalous" for the global embedding, NaN when
 *     the frame has no embedding
 * @param patchMap per-patch probability (rows x cols), or null when patch tokens cannot be
 *     compared with the text space
 */
public record TextPart(double imageProbability, float[] patchMap) {}
