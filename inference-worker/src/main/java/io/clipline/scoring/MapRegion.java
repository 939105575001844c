package io.clipline.scoring;

/**
 * One connected component of the thresholded anomaly map, in output-map pixels.
 *
 * <p>Not {@code io.clipline.worker.FrameResult.Region}, which is the same region in
 * original-frame pixels: {@code inference.ResultMapper} turns one into the other.
 *
 * @param top first row of the bounding box (inclusive)
 * @param left first column (inclusive)
 * @param bottom last row (inclusive)
 * @param right last column (inclusive)
 * @param area pixels in the component
 * @param peak largest map value inside
 * @param mean mean map value inside
 * @param feature L2-normalised mean patch feature (last layer) under the component
 * @param defectType most likely defect type, or null when no types are configured
 * @param confidence probability of {@code defectType} (NaN without types)
 * @param runnerUp second most likely type, or null
 * @param runnerUpConfidence its probability (NaN without)
 */
public record MapRegion(
    int top,
    int left,
    int bottom,
    int right,
    int area,
    float peak,
    float mean,
    float[] feature,
    String defectType,
    double confidence,
    String runnerUp,
    double runnerUpConfidence) {}
