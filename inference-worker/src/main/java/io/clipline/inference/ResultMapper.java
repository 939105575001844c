package io.clipline.inference;

import io.clipline.imaging.CropGeometry;
import io.clipline.schemas.Verdict;
import io.clipline.scoring.FrameScore;
import io.clipline.scoring.Judgement;
import io.clipline.scoring.MapRegion;
import io.clipline.scoring.Thresholds;
import io.clipline.worker.FrameResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns the engine's {@link FrameScore} of a frame into the worker's {@link FrameResult}: the
 * verdict as the wire enum, scores as floats, the thresholds in force and their version string,
 * and the regions mapped from the model-input map back into frame pixels. Stateless.
 */
final class ResultMapper {
  private ResultMapper() {}

  /** The result of {@code score}, scored in {@code scope} under {@code thresholds}. */
  static FrameResult toResult(
      String scope, FrameScore score, CropGeometry crop, Thresholds thresholds) {
    List<FrameResult.Region> regions = new ArrayList<>();
    for (MapRegion r : score.regions()) {
      regions.add(toFrameRegion(r, score, crop));
    }
    Float text = score.text() == null ? null : (float) score.text().imageProbability();
    return new FrameResult(
        verdict(score.verdict()),
        (float) score.normalizedScore(),
        (float) score.rawScore(),
        (float) thresholds.ok(),
        (float) thresholds.ng(),
        thresholdVersion(thresholds),
        text,
        max(score.rarity() == null ? null : score.rarity().patchMap()),
        scope,
        score.warmingUp(),
        score.sequence(),
        new FrameResult.AnomalyGrid(score.rows(), score.cols(), score.patchMap()),
        regions);
  }

  /** The wire verdict of the engine's judgement. */
  static Verdict verdict(Judgement v) {
    return switch (v) {
      case OK -> Verdict.OK;
      case NG -> Verdict.NG;
      case UNSURE -> Verdict.UNSURE;
    };
  }

  /** A region of the model-input map as a box of frame pixels, its area scaled alike. */
  private static FrameResult.Region toFrameRegion(
      MapRegion r, FrameScore score, CropGeometry crop) {
    int x0 = (int) Math.floor(crop.toSourceX(r.left() / (double) score.outputWidth()));
    int y0 = (int) Math.floor(crop.toSourceY(r.top() / (double) score.outputHeight()));
    int x1 = (int) Math.ceil(crop.toSourceX((r.right() + 1) / (double) score.outputWidth()));
    int y1 = (int) Math.ceil(crop.toSourceY((r.bottom() + 1) / (double) score.outputHeight()));
    double scale = (double) crop.width() * crop.height()
        / ((double) score.outputWidth() * score.outputHeight());
    return new FrameResult.Region(x0, y0, Math.max(1, x1 - x0), Math.max(1, y1 - y0),
        Math.round(r.area() * scale), r.peak(), r.mean(), r.defectType(),
        (float) r.confidence(), r.runnerUp(), (float) r.runnerUpConfidence());
  }

  /** Identifies the threshold setting, e.g. {@code ok=2.000,ng=3.000}. */
  static String thresholdVersion(Thresholds t) {
    return t.rateBased()
        ? String.format(Locale.ROOT, "frr=%.4f,band=%.2f", t.targetFalseRejectRate(), t.unsureBand())
        : String.format(Locale.ROOT, "ok=%.3f,ng=%.3f", t.ok(), t.ng());
  }

  private static float max(float[] values) {
    if (values == null || values.length == 0) {
      return 0f;
    }
    float m = Float.NEGATIVE_INFINITY;
    for (float v : values) {
      m = Math.max(m, v);
    }
    return m;
  }
}
