package io.clipline.worker;

import io.clipline.schemas.Verdict;
import java.util.List;
import java.util.Objects;

/**
 * What scoring decided about one frame, in the worker's terms (no Avro, no Kafka).
 *
 * @param verdict OK, NG or UNSURE, as the wire enum the verdict record carries
 * @param imageScore normalised image score the thresholds apply to
 * @param rawScore image score before per-scope normalisation
 * @param thresholdOk below this the frame is OK
 * @param thresholdNg at or above this the frame is NG
 * @param thresholdVersion identifies the threshold setting in force
 * @param textScore zero-shot text part; {@code null} for models without a text tower
 * @param rarityScore rarity part
 * @param scope the rarity scope the frame was scored in
 * @param warmup whether the scope was still warming up
 * @param scopeFramesSeen frames the scope had seen before this one
 * @param map low-resolution anomaly map; {@code null} when not produced
 * @param regions defect regions, in original-frame pixel coordinates
 */
public record FrameResult(
    Verdict verdict,
    float imageScore,
    float rawScore,
    float thresholdOk,
    float thresholdNg,
    String thresholdVersion,
    Float textScore,
    float rarityScore,
    String scope,
    boolean warmup,
    long scopeFramesSeen,
    AnomalyGrid map,
    List<Region> regions) {

  public FrameResult {
    Objects.requireNonNull(verdict, "verdict");
    Objects.requireNonNull(thresholdVersion, "thresholdVersion");
    Objects.requireNonNull(scope, "scope");
    regions = List.copyOf(Objects.requireNonNull(regions, "regions"));
  }

  /** A row-major grid of anomaly scores. */
  public record AnomalyGrid(int rows, int cols, float[] values) {
    public AnomalyGrid {
      Objects.requireNonNull(values, "values");
      if (rows <= 0 || cols <= 0 || values.length != rows * cols) {
        throw new IllegalArgumentException(
            "anomaly grid: expected " + rows + " × " + cols + " values, got " + values.length);
      }
    }
  }

  /**
   * One connected defect region.
   *
   * @param x left edge in original-frame pixels
   * @param y top edge in original-frame pixels
   * @param width width in pixels
   * @param height height in pixels
   * @param areaPixels pixels above threshold inside the box
   * @param peakScore highest score in the region
   * @param meanScore mean score in the region
   * @param defectType most likely defect type; {@code null} when types are not configured
   * @param defectConfidence its confidence
   * @param runnerUpType second most likely type, or {@code null}
   * @param runnerUpConfidence its confidence
   */
  public record Region(
      int x,
      int y,
      int width,
      int height,
      long areaPixels,
      float peakScore,
      float meanScore,
      String defectType,
      float defectConfidence,
      String runnerUpType,
      float runnerUpConfidence) {}
}
