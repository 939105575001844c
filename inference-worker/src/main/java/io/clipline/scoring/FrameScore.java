package io.clipline.scoring;

import java.util.List;

/**
 * Everything the engine says about one frame. Arrays are owned by the caller after return.
 *
 * @param sequence 1-based number of the frame within its scope (for {@code label})
 * @param rows patch grid rows
 * @param cols patch grid columns
 * @param patchMap fused anomaly score per patch (rows x cols)
 * @param outputHeight anomaly map height
 * @param outputWidth anomaly map width
 * @param anomalyMap upsampled and smoothed map (outputHeight x outputWidth, row-major)
 * @param rawScore max of the anomaly map, plus the image text probability when present
 * @param normalizedScore robust z-score of {@code rawScore} within the scope
 * @param verdict OK, NG, or UNSURE (always UNSURE while warming up)
 * @param warmingUp true while the scope has seen fewer than the warm-up frames
 * @param admitted true when the frame was learnt into the scope's memory
 * @param text text term, or null when the scope has no text branch
 * @param rarity rarity term
 * @param regions connected regions at or above the NG threshold, largest peak first
 */
public record FrameScore(
    long sequence,
    int rows,
    int cols,
    float[] patchMap,
    int outputHeight,
    int outputWidth,
    float[] anomalyMap,
    double rawScore,
    double normalizedScore,
    Judgement verdict,
    boolean warmingUp,
    boolean admitted,
    TextPart text,
    RarityPart rarity,
    List<MapRegion> regions) {}
