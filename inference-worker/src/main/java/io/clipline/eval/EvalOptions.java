package io.clipline.eval;

import io.clipline.scoring.ScoringConfig;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What to evaluate and how.
 *
 * @param dataset manifest CSV or dataset folder
 * @param model model folder (with {@code clipline-model.json})
 * @param shuffles random stream orders, each scored from an empty memory (&gt;= 1)
 * @param seed base seed of the stream orders
 * @param kshot known-good images per scope seeded before the stream (excluded from the metrics)
 * @param typeShots labelled regions per defect type given as few-shot examples when measuring
 *     defect-type accuracy ({@link TypeAccuracy}); 0 = not measured
 * @param scopeRegex scope = first capture group (or whole match) of this regex on the image id;
 *     null when not used
 * @param scopeColumn scope = this manifest column; null when not used
 * @param splitGroups {@code path,group} CSV for a grouped split; null for no split
 * @param split the part of the split to evaluate (ignored without {@code splitGroups})
 * @param out output folder
 * @param limit evaluate at most this many images, evenly spread over the sorted ids (0 = all)
 * @param batch frames per encoder call (order within a scope is kept)
 * @param pixelStride normal pixels are sampled every {@code pixelStride} rows and columns
 * @param scoring the engine's configuration ({@link ScoringConfig#defaults()} unless an ablation
 *     changes some of it)
 * @param defectShare 0 streams every image; in (0, 1) each scope's stream keeps every good image
 *     and only so many defective ones, drawn per shuffle, that they are about this share of it
 *     (a line-like stream, {@link StreamPlan})
 * @param reviewRejects whether every good frame judged NG is labelled OK after its batch, as an
 *     operator reviewing the reject bin would ({@link io.clipline.scoring.ScoringEngine#learnGood});
 *     false scores the stream without any label
 */
public record EvalOptions(
    Path dataset,
    Path model,
    int shuffles,
    long seed,
    int kshot,
    int typeShots,
    Pattern scopeRegex,
    String scopeColumn,
    Path splitGroups,
    GroupSplit.Part split,
    Path out,
    int limit,
    int batch,
    int pixelStride,
    ScoringConfig scoring,
    double defectShare,
    boolean reviewRejects) {

  public EvalOptions {
    Objects.requireNonNull(dataset, "dataset");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(out, "out");
    if (shuffles < 1) {
      throw new EvalException("shuffles: expected >= 1, got " + shuffles);
    }
    if (kshot < 0) {
      throw new EvalException("kshot: expected >= 0, got " + kshot);
    }
    if (typeShots < 0) {
      throw new EvalException("typeShots: expected >= 0 (0 = off), got " + typeShots);
    }
    if (limit < 0) {
      throw new EvalException("limit: expected >= 0 (0 = all), got " + limit);
    }
    if (batch < 1) {
      throw new EvalException("batch: expected >= 1, got " + batch);
    }
    if (pixelStride < 1) {
      throw new EvalException("pixelStride: expected >= 1, got " + pixelStride);
    }
    Objects.requireNonNull(scoring, "scoring");
    if (!(defectShare >= 0 && defectShare < 1)) {
      throw new EvalException("defectShare: expected 0 (every image) or a share in (0, 1), got "
          + defectShare);
    }
    if (scopeRegex != null && scopeColumn != null) {
      throw new EvalException("scopeRegex and scopeColumn exclude each other: give one of them");
    }
    if (splitGroups != null && split == null) {
      throw new EvalException("splitGroups needs split (tune or report)");
    }
  }
}
