package io.clipline.scoring;

/**
 * Rarity term of a frame's score.
 *
 * @param patchMap per-patch rarity in [0, 1] (rows x cols), mean over all banks
 * @param calibration mean calibration divisor over the banks (1 when the memory was empty)
 * @param memoryImages images in the scope's memory before this frame
 */
public record RarityPart(float[] patchMap, double calibration, int memoryImages) {}
