package io.clipline.eval;

import io.clipline.dataset.Dataset;
import io.clipline.dataset.DatasetSample;
import io.clipline.imaging.CropGeometry;
import io.clipline.imaging.DecodedFrame;
import io.clipline.imaging.FrameDecodeException;
import io.clipline.imaging.FrameLimits;
import io.clipline.imaging.ImageFileDecoder;
import io.clipline.inference.EncodedFrame;
import io.clipline.inference.OfflineScorer;
import io.clipline.inference.OfflineScorer.DetailedScore;
import io.clipline.model.InferenceOptions;
import io.clipline.scoring.FrameFeatures;
import io.clipline.scoring.FrameScore;
import io.clipline.scoring.Judgement;
import io.clipline.scoring.ScoringConfig;
import io.clipline.scoring.ScoringEngine;
import io.clipline.scoring.Thresholds;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;

/**
 * Replays a labelled dataset as streams through the real scorer ({@link OfflineScorer} and its
 * {@link ScoringEngine}) and measures it.
 *
 * <p>Protocol: images are grouped into scopes (one rarity memory each); for each shuffle every
 * scope's images are put in a seeded random order and scored one after another from an empty
 * memory (or one seeded with {@code kshot} known-good images), so each image is judged only from
 * the images before it in its scope. Labels are used for the metrics only, never by the scorer.
 * With {@code typeShots}, defect-type accuracy is measured apart from the streams on the
 * ground-truth regions ({@link TypeAccuracy}); there the labelled examples are the point.
 */
public final class Evaluator {
  /** Side of the downsampled maps kept from the first shuffle for the heatmap plot. */
  static final int THUMB = 64;

  private final EvalOptions options;
  private final PrintStream progressOut;
  private final ImageFileDecoder decoder = new ImageFileDecoder(FrameLimits.DEFAULT);

  /** Evaluator that draws its progress bar on {@code progressOut} (null for none). */
  public Evaluator(EvalOptions options, PrintStream progressOut) {
    this.options = options;
    this.progressOut = progressOut;
  }

  /** One scored frame of one shuffle. */
  record Scored(int sample, String scope, double normalized, double raw, Judgement verdict,
      boolean warmingUp) {}

  /** A map kept for plotting: {@code THUMB × THUMB} over the model input, and its crop. */
  record Thumb(float[] map, CropGeometry crop) {}

  /** One shuffle's frames and metrics. */
  record ShuffleRun(int index, List<Scored> frames, StreamMetrics all, StreamMetrics afterWarmup,
      List<Metrics.RocPoint> roc, double seconds) {}

  /** Everything the report needs. */
  record Result(EvalOptions options, Dataset dataset, List<DatasetSample> samples,
      List<String> scopeOf, Map<String, Integer> scopeSizes, String modelName, String scopeRule,
      List<ShuffleRun> runs, Map<Integer, Thumb> thumbs, int warmupFrames, String operatingPoint,
      int pixelImages, int skippedEmptyMasks, TypeAccuracy defectTypes) {}

  /** Runs the evaluation and writes the report into {@code options.out()}. */
  public Result run() throws IOException {
    Dataset dataset = EvalDatasetReader.read(options.dataset());
    List<DatasetSample> samples = select(dataset.samples());
    if (samples.isEmpty()) {
      throw new EvalException("no images left to evaluate in " + options.dataset()
          + (options.splitGroups() != null ? " after the " + options.split() + " split" : ""));
    }
    List<String> scopeOf = new ArrayList<>();
    Map<String, List<Integer>> byScope = new TreeMap<>();
    for (int i = 0; i < samples.size(); i++) {
      String scope = scopeOf(samples.get(i));
      scopeOf.add(scope);
      byScope.computeIfAbsent(scope, k -> new ArrayList<>()).add(i);
    }
    Map<String, Integer> scopeSizes = new TreeMap<>();
    byScope.forEach((k, v) -> scopeSizes.put(k, v.size()));

    ScoringConfig config = options.scoring();
    long typed = options.typeShots() == 0 ? 0
        : samples.stream().filter(x -> x.defective() && x.mask() != null).count();
    List<Map<String, StreamPlan>> plans = new ArrayList<>();
    long streamed = 0;
    for (int s = 0; s < options.shuffles(); s++) {
      Map<String, StreamPlan> plan = new TreeMap<>();
      for (Map.Entry<String, List<Integer>> scope : byScope.entrySet()) {
        StreamPlan p = StreamPlan.of(samples, scope.getValue(), streamSeed(s, scope.getKey()),
            options.kshot(), options.defectShare());
        plan.put(scope.getKey(), p);
        streamed += p.seeds().size() + p.stream().size();
      }
      plans.add(plan);
    }
    Progress progress = new Progress(progressOut, streamed + typed);
    List<ShuffleRun> runs = new ArrayList<>();
    Map<Integer, Thumb> thumbs = new TreeMap<>();
    int[] pixelStats = new int[2];
    String modelName = null;
    for (int s = 0; s < options.shuffles(); s++) {
      long start = System.nanoTime();
      PixelCollector pixelsAll = new PixelCollector(options.pixelStride());
      PixelCollector pixelsLate = new PixelCollector(options.pixelStride());
      List<Scored> frames = new ArrayList<>();
      pixelStats[0] = 0;
      pixelStats[1] = 0;
      try (OfflineScorer scorer = OfflineScorer.open(
          options.model(), InferenceOptions.defaults(), config, "object")) {
        modelName = scorer.modelVersion();
        for (Map.Entry<String, List<Integer>> scope : byScope.entrySet()) {
          StreamPlan plan = plans.get(s).get(scope.getKey());
          List<Integer> seeds = plan.seeds();
          List<Integer> order = plan.stream();
          for (int from = 0; from < seeds.size(); from += options.batch()) {
            List<Integer> chunk = seeds.subList(from, Math.min(seeds.size(), from + options.batch()));
            scorer.scoreDetailed(scope.getKey(), decodeAll(samples, chunk), true);
            progress.advance(chunk.size());
          }
          for (int from = 0; from < order.size(); from += options.batch()) {
            List<Integer> chunk = order.subList(from, Math.min(order.size(), from + options.batch()));
            List<DetailedScore> scored = scorer.scoreDetailed(scope.getKey(), decodeAll(samples, chunk), false);
            for (int j = 0; j < chunk.size(); j++) {
              int sample = chunk.get(j);
              FrameScore f = scored.get(j).score();
              frames.add(new Scored(sample, scope.getKey(), f.normalizedScore(), f.rawScore(),
                  f.verdict(), f.warmingUp()));
              collectPixels(samples.get(sample), scored.get(j), f.warmingUp(), pixelsAll, pixelsLate,
                  pixelStats);
              if (options.reviewRejects() && f.verdict() == Judgement.NG
                  && samples.get(sample).label() == DatasetSample.Label.NORMAL) {
                // The operator finds a good part in the reject bin and labels it OK.
                scorer.engine().learnGood(scope.getKey(), f.sequence(), scored.get(j).features());
              }
              if (s == 0) {
                thumbs.put(sample, new Thumb(
                    downsample(f.anomalyMap(), f.outputHeight(), f.outputWidth()), scored.get(j).crop()));
              }
            }
            progress.advance(chunk.size());
          }
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      double target = config.thresholds().rateBased()
          ? config.thresholds().targetFalseRejectRate() : Double.NaN;
      StreamMetrics all = StreamMetrics.of(samples, frames, pixelsAll, target);
      List<Scored> late = frames.stream().filter(f -> !f.warmingUp()).toList();
      StreamMetrics afterWarmup = StreamMetrics.of(samples, late, pixelsLate, target);
      runs.add(new ShuffleRun(s, frames, all, afterWarmup, StreamMetrics.roc(samples, frames), seconds));
    }
    TypeAccuracy defectTypes = options.typeShots() == 0 ? null
        : TypeAccuracy.measure(labelledRegions(samples, config, progress), options.typeShots(),
            options.shuffles(), options.seed(), config);
    progress.finish();
    String rule = scopeRule(dataset);
    Result result = new Result(options, dataset, samples, scopeOf, scopeSizes, modelName, rule, runs,
        thumbs, config.warmupFrames(), operatingPoint(config.thresholds()), pixelStats[0],
        pixelStats[1], defectTypes);
    Files.createDirectories(options.out());
    ReportWriter.write(result, options.out());
    FrameLog.write(options.out().resolve("frames.csv"), samples, runs);
    return result;
  }

  /**
   * The ground-truth region of every defective image with a non-empty mask (the whole mask,
   * sampled at the model-input map as for the pixel metrics), pooled by the engine as it pools a
   * detected region; each image is encoded once.
   */
  private List<TypeAccuracy.LabelledRegion> labelledRegions(List<DatasetSample> samples,
      ScoringConfig config, Progress progress) throws IOException {
    List<Integer> masked = new ArrayList<>();
    for (int i = 0; i < samples.size(); i++) {
      if (samples.get(i).defective() && samples.get(i).mask() != null) {
        masked.add(i);
      }
    }
    List<TypeAccuracy.LabelledRegion> regions = new ArrayList<>();
    try (OfflineScorer scorer = OfflineScorer.open(
        options.model(), InferenceOptions.defaults(), config, "object")) {
      for (int from = 0; from < masked.size(); from += options.batch()) {
        List<Integer> chunk = masked.subList(from, Math.min(masked.size(), from + options.batch()));
        List<EncodedFrame> encoded = scorer.encodeDetailed(decodeAll(samples, chunk));
        for (int j = 0; j < chunk.size(); j++) {
          DatasetSample sample = samples.get(chunk.get(j));
          FrameFeatures f = encoded.get(j).features();
          boolean[] truth = truthAtMap(sample.mask(), encoded.get(j).crop(), f.outputHeight(),
              f.outputWidth());
          boolean any = false;
          for (boolean b : truth) {
            any |= b;
          }
          if (any) {
            regions.add(new TypeAccuracy.LabelledRegion(chunk.get(j), sample.defectType(),
                ScoringEngine.regionFeature(f, truth)));
          }
        }
        progress.advance(chunk.size());
      }
    }
    return regions;
  }

  /** Split, then the limit: evenly spread over the sorted ids so every class can appear. */
  List<DatasetSample> select(List<DatasetSample> all) {
    List<DatasetSample> kept = all;
    if (options.splitGroups() != null) {
      GroupSplit split = GroupSplit.read(options.splitGroups());
      kept = all.stream().filter(x -> split.partOf(x.id()) == options.split()).toList();
    }
    if (options.limit() > 0 && options.limit() < kept.size()) {
      List<DatasetSample> spread = new ArrayList<>();
      for (int i = 0; i < options.limit(); i++) {
        spread.add(kept.get((int) ((long) i * kept.size() / options.limit())));
      }
      kept = spread;
    }
    return kept;
  }

  String scopeOf(DatasetSample sample) {
    if (options.scopeRegex() != null) {
      Matcher m = options.scopeRegex().matcher(sample.id());
      if (!m.find()) {
        throw new EvalException("--scope-regex '" + options.scopeRegex().pattern()
            + "' does not match image '" + sample.id() + "'");
      }
      return m.groupCount() >= 1 && m.group(1) != null ? m.group(1) : m.group();
    }
    if (options.scopeColumn() != null) {
      String value = sample.columns().get(options.scopeColumn());
      if (value == null) {
        throw new EvalException("--scope-column '" + options.scopeColumn()
            + "' is not a manifest column; image '" + sample.id() + "' has columns "
            + sample.columns().keySet());
      }
      return value;
    }
    return sample.category() == null ? "all" : sample.category();
  }

  private String scopeRule(Dataset dataset) {
    if (options.scopeRegex() != null) {
      return "regex `" + options.scopeRegex().pattern() + "` on the image path (first group)";
    }
    if (options.scopeColumn() != null) {
      return "manifest column `" + options.scopeColumn() + "`";
    }
    return dataset.layout() == Dataset.Layout.MVTEC ? "one scope per category"
        : "one scope per `category` column value, else one scope for the whole manifest"
            + " (its `class` column is the defect type, not a product)";
  }

  private static String operatingPoint(Thresholds t) {
    return t.rateBased()
        ? String.format(Locale.ROOT, "rate-based: target false-reject rate %.4f, UNSURE band %.2f",
            t.targetFalseRejectRate(), t.unsureBand())
        : String.format(Locale.ROOT, "fixed on the robust z-score: OK < %.2f <= UNSURE < %.2f <= NG",
            t.ok(), t.ng());
  }

  private long streamSeed(int shuffle, String scope) {
    return options.seed() * 1_000_003L + shuffle * 7_919L + scope.hashCode();
  }

  private List<DecodedFrame> decodeAll(List<DatasetSample> samples, List<Integer> indices)
      throws IOException {
    List<DecodedFrame> frames = new ArrayList<>(indices.size());
    for (int i : indices) {
      frames.add(decode(samples.get(i).image()));
    }
    return frames;
  }

  /** Decodes an image or mask file by its content (JPEG, PNG, BMP or TIFF), naming it on failure. */
  private DecodedFrame decode(Path file) throws IOException {
    try {
      return decoder.decode(Files.readAllBytes(file));
    } catch (FrameDecodeException e) {
      throw new EvalException("cannot decode " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Adds the frame's map to the pixel collectors: normal frames as all-normal, defective ones
   * with their mask at map resolution; defective frames without a mask or with an empty one are
   * left out of the pixel metrics (they stay in the image metrics).
   */
  private void collectPixels(DatasetSample sample, DetailedScore scored, boolean warmingUp,
      PixelCollector all, PixelCollector late, int[] stats) throws IOException {
    FrameScore f = scored.score();
    boolean[] truth = null;
    if (sample.defective()) {
      truth = sample.mask() == null ? null : truthAtMap(sample.mask(), scored.crop(),
          f.outputHeight(), f.outputWidth());
      boolean any = false;
      if (truth != null) {
        for (boolean b : truth) {
          any |= b;
        }
      }
      if (!any) {
        stats[1]++;
        return;
      }
    }
    stats[0]++;
    String type = sample.defective() ? sample.defectType() : null;
    all.add(f.anomalyMap(), f.outputHeight(), f.outputWidth(), truth, type);
    if (!warmingUp) {
      late.add(f.anomalyMap(), f.outputHeight(), f.outputWidth(), truth, type);
    }
  }

  /**
   * The mask sampled at each map pixel's centre, through the crop geometry: defective where its
   * first channel is {@code > 127}, or, in an index mask whose values are only 0 and 1, where it
   * is 1 (read as 0–255, such a mask would be all normal). A mask stored at another resolution
   * than its image, with the same aspect ratio (within 2 %), is sampled at the same relative place.
   */
  boolean[] truthAtMap(Path maskFile, CropGeometry crop, int height, int width) throws IOException {
    DecodedFrame mask = decode(maskFile);
    double scaleX = mask.width() / (double) crop.sourceWidth();
    double scaleY = mask.height() / (double) crop.sourceHeight();
    if (Math.abs(scaleX / scaleY - 1) > 0.02) {
      throw new EvalException("mask " + maskFile + " is " + mask.width() + " × " + mask.height()
          + ", its image " + crop.sourceWidth() + " × " + crop.sourceHeight()
          + ": not the same aspect ratio");
    }
    boolean[] truth = new boolean[height * width];
    byte[] px = mask.pixels();
    int ch = mask.channels();
    int threshold = maskThreshold(px, ch);
    for (int y = 0; y < height; y++) {
      int sy = clamp((int) Math.floor(crop.toSourceY((y + 0.5) / height) * scaleY), mask.height());
      for (int x = 0; x < width; x++) {
        int sx = clamp((int) Math.floor(crop.toSourceX((x + 0.5) / width) * scaleX), mask.width());
        truth[y * width + x] = (px[(sy * mask.width() + sx) * ch] & 0xff) > threshold;
      }
    }
    return truth;
  }

  /** 127, or 0 for an index mask (first-channel values 0 and 1 only). */
  static int maskThreshold(byte[] pixels, int channels) {
    int max = 0;
    for (int i = 0; i < pixels.length; i += channels) {
      max = Math.max(max, pixels[i] & 0xff);
    }
    return max == 1 ? 0 : 127;
  }

  private static int clamp(int v, int size) {
    return Math.max(0, Math.min(size - 1, v));
  }

  /** Mean-pools a map to {@code THUMB × THUMB}. */
  static float[] downsample(float[] map, int height, int width) {
    float[] out = new float[THUMB * THUMB];
    int[] counts = new int[THUMB * THUMB];
    for (int y = 0; y < height; y++) {
      int ty = y * THUMB / height;
      for (int x = 0; x < width; x++) {
        int t = ty * THUMB + x * THUMB / width;
        out[t] += map[y * width + x];
        counts[t]++;
      }
    }
    for (int i = 0; i < out.length; i++) {
      out[i] = counts[i] == 0 ? 0 : out[i] / counts[i];
    }
    return out;
  }
}
