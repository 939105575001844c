package io.clipline.scoring;

/**
 * Rarity term of a frame's score.
 *
 * @param patchMap per-patch rarity in [0, 1] (rows x cols), mean over all banks
 * @param calibration mean calibration divisor over the banks (1 when the memory was empty)
 * @param memoryImages images in the scope's memory before this frame
 * @param imageRarity image-level rarity in [0, 1]: the frame's foreground mean feature against
 *     those of past images, mean over layers (0 while the memory is empty)
 */
public record RarityPart(
    float[] patchMap, double calibration, int memoryImages, double imageRarity) {}
