package io.clipline.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.clipline.dataset.DatasetSample;
import io.clipline.eval.Evaluator.Result;
import io.clipline.eval.Evaluator.ShuffleRun;
import io.clipline.eval.TypeAccuracy.TypeShuffle;
import io.clipline.scoring.ScoringConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

/** Writes {@code report.json}, {@code report.md} and the plots of an evaluation. */
final class ReportWriter {
  /** The metrics of the tables, in order: key, title, getter. */
  private record Column(String key, String title, ToDoubleFunction<StreamMetrics> get) {}

  private static final List<Column> COLUMNS = List.of(
      new Column("imageAuroc", "image AUROC", StreamMetrics::imageAuroc),
      new Column("pixelAuroc", "pixel AUROC", StreamMetrics::pixelAuroc),
      new Column("aupro30", "AUPRO@30%", StreamMetrics::aupro),
      new Column("f1Max", "image F1-max", StreamMetrics::f1Max),
      new Column("falseRejectRate", "false-reject rate (good → NG)", StreamMetrics::falseRejectRate),
      new Column("escapeRate", "escape rate (defective → not NG)", StreamMetrics::escapeRate),
      new Column("hindsightEscapeRate", "escape rate, best fixed threshold at the target FRR"
          + " (hindsight)", StreamMetrics::hindsightEscapeRate),
      new Column("unsureRate", "UNSURE share", StreamMetrics::unsureRate),
      new Column("imageAurocRaw", "image AUROC, raw score", StreamMetrics::imageAurocRaw));

  static final String TYPE_PROTOCOL = "Per shuffle, K labelled regions per defect type are drawn at"
      + " random (seeded) and added as few-shot examples to a fresh engine scope"
      + " (ScoringEngine.addDefectExample, Tip-Adapter cache, ScoringConfig.defaults()); every other"
      + " labelled region is typed by ScoringEngine.classifyRegion among the evaluated types. A"
      + " labelled region is the whole ground-truth mask of a defective image (mask > 127 sampled"
      + " on the model-input map) and its feature is the engine's region feature"
      + " (ScoringEngine.regionFeature: mean of the last layer's L2-normalised patch features under"
      + " it). Types with no more than K regions are left out. Each image is encoded once; the"
      + " detection streams are not involved.";

  private ReportWriter() {}

  static void write(Result r, Path out) throws IOException {
    Plots.roc(r, out.resolve("roc_image.png"));
    Plots.heatmaps(r, out.resolve("heatmaps.png"));
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    json.writeValue(out.resolve("report.json").toFile(), json(r));
    Files.writeString(out.resolve("report.md"), markdown(r), StandardCharsets.UTF_8);
  }

  /** One line naming a scoring weight and whether it is the engine's default. */
  private static void weight(StringBuilder md, String name, double value, double engineDefault) {
    md.append("- ").append(name).append(": ").append(value)
        .append(value == engineDefault
            ? " (the engine's default)\n"
            : " (ablation; the engine's default is " + engineDefault + ")\n");
  }

  static Map<String, Object> json(Result r) {
    Map<String, Object> root = new LinkedHashMap<>();
    EvalOptions o = r.options();
    root.put("dataset", Map.of("location", o.dataset().toAbsolutePath().toString(),
        "layout", r.dataset().layout().name(), "imagesInDataset", r.dataset().samples().size()));
    Map<String, Object> opts = new LinkedHashMap<>();
    opts.put("model", o.model().toAbsolutePath().toString());
    opts.put("modelName", r.modelName());
    opts.put("shuffles", o.shuffles());
    opts.put("seed", o.seed());
    opts.put("kshot", o.kshot());
    opts.put("typeShots", o.typeShots());
    opts.put("imageRarityWeight", o.scoring().imageRarityWeight());
    opts.put("positionalWeight", o.scoring().positionalWeight());
    opts.put("withinFrameWeight", o.scoring().withinFrameWeight());
    opts.put("reviewRejects", o.reviewRejects());
    opts.put("defectShare", o.defectShare());
    opts.put("scopeRule", r.scopeRule());
    opts.put("splitGroups", o.splitGroups() == null ? null : o.splitGroups().toString());
    opts.put("split", o.splitGroups() == null ? null : o.split().name().toLowerCase(Locale.ROOT));
    opts.put("limit", o.limit());
    opts.put("batch", o.batch());
    opts.put("pixelStride", o.pixelStride());
    opts.put("warmupFrames", r.warmupFrames());
    opts.put("operatingPoint", r.operatingPoint());
    root.put("options", opts);
    root.put("images", r.samples().size());
    root.put("defective", r.samples().stream().filter(DatasetSample::defective).count());
    root.put("scopes", r.scopeSizes());
    root.put("pixelMetricImages", r.pixelImages());
    root.put("pixelMetricSkippedDefectiveWithoutMask", r.skippedEmptyMasks());
    root.put("headline", "all frames (warm-up included), normalised image score");
    root.put("summary", Map.of("all", summary(r, false), "afterWarmup", summary(r, true)));
    List<Object> runs = new ArrayList<>();
    for (ShuffleRun run : r.runs()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("shuffle", run.index());
      m.put("seconds", run.seconds());
      m.put("imagesPerSecond", run.frames().size() / run.seconds());
      m.put("all", metrics(run.all()));
      m.put("afterWarmup", metrics(run.afterWarmup()));
      runs.add(m);
    }
    root.put("shuffles", runs);
    if (r.defectTypes() != null) {
      root.put("defectTypes", defectTypesJson(r));
    }
    return root;
  }

  private static Map<String, Object> defectTypesJson(Result r) {
    TypeAccuracy t = r.defectTypes();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("protocol", TYPE_PROTOCOL);
    m.put("shots", t.shots());
    m.put("types", t.types());
    m.put("regionsPerType", t.regionsPerType());
    m.put("defectiveWithoutMask", withoutMask(r));
    m.put("chance", finite(t.chance()));
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("accuracy", meanStd(typeValues(t, TypeShuffle::accuracy)));
    summary.put("meanTypeAccuracy", meanStd(typeValues(t, TypeShuffle::meanTypeAccuracy)));
    Map<String, Object> perType = new LinkedHashMap<>();
    for (int i = 0; i < t.types().size(); i++) {
      int type = i;
      perType.put(t.types().get(i), meanStd(typeValues(t, s -> s.typeAccuracy(type))));
    }
    summary.put("perTypeAccuracy", perType);
    m.put("summary", summary);
    Map<String, Object> confusion = new LinkedHashMap<>();
    int[][] total = confusionTotal(t);
    for (int i = 0; i < total.length; i++) {
      Map<String, Object> row = new LinkedHashMap<>();
      for (int j = 0; j < total.length; j++) {
        row.put(t.types().get(j), total[i][j]);
      }
      confusion.put(t.types().get(i), row);
    }
    m.put("confusionSummedOverShuffles", confusion);
    List<Object> runs = new ArrayList<>();
    for (TypeShuffle s : t.shuffles()) {
      Map<String, Object> run = new LinkedHashMap<>();
      run.put("shuffle", s.index());
      run.put("regionsTyped", s.queries());
      run.put("accuracy", finite(s.accuracy()));
      run.put("meanTypeAccuracy", finite(s.meanTypeAccuracy()));
      Map<String, Object> types = new LinkedHashMap<>();
      for (int i = 0; i < t.types().size(); i++) {
        types.put(t.types().get(i), finite(s.typeAccuracy(i)));
      }
      run.put("perTypeAccuracy", types);
      runs.add(run);
    }
    m.put("shuffles", runs);
    return m;
  }

  private static double[] typeValues(TypeAccuracy t, ToDoubleFunction<TypeShuffle> get) {
    return t.shuffles().stream().mapToDouble(get).toArray();
  }

  private static int[][] confusionTotal(TypeAccuracy t) {
    int n = t.types().size();
    int[][] total = new int[n][n];
    for (TypeShuffle s : t.shuffles()) {
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          total[i][j] += s.confusion()[i][j];
        }
      }
    }
    return total;
  }

  /** Defective images of the evaluated set that gave no labelled region. */
  private static long withoutMask(Result r) {
    long defective = r.samples().stream().filter(DatasetSample::defective).count();
    return defective - r.defectTypes().regionsPerType().values().stream().mapToInt(i -> i).sum();
  }

  private static Map<String, Object> summary(Result r, boolean late) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (Column c : COLUMNS) {
      double[] v = values(r, late, c.get());
      m.put(c.key(), meanStd(v));
    }
    Map<String, Object> types = new LinkedHashMap<>();
    for (String type : types(r)) {
      double[] v = values(r, late, s -> s.perTypeAuroc().getOrDefault(type, Double.NaN));
      types.put(type, meanStd(v));
    }
    m.put("perTypeImageAuroc", types);
    Map<String, Object> pixelTypes = new LinkedHashMap<>();
    for (String type : types(r)) {
      double[] v = values(r, late, s -> s.perTypePixelAuroc().getOrDefault(type, Double.NaN));
      pixelTypes.put(type, meanStd(v));
    }
    m.put("perTypePixelAuroc", pixelTypes);
    return m;
  }

  private static Map<String, Object> metrics(StreamMetrics s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("images", s.images());
    m.put("defective", s.defective());
    for (Column c : COLUMNS) {
      m.put(c.key(), finite(c.get().applyAsDouble(s)));
    }
    Map<String, Object> types = new LinkedHashMap<>();
    s.perTypeAuroc().forEach((k, v) -> types.put(k, finite(v)));
    m.put("perTypeImageAuroc", types);
    Map<String, Object> pixelTypes = new LinkedHashMap<>();
    s.perTypePixelAuroc().forEach((k, v) -> pixelTypes.put(k, finite(v)));
    m.put("perTypePixelAuroc", pixelTypes);
    return m;
  }

  private static Map<String, Object> meanStd(double[] v) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("mean", finite(Metrics.mean(v)));
    m.put("std", finite(Metrics.std(v)));
    return m;
  }

  private static Object finite(double v) {
    return Double.isFinite(v) ? v : null;
  }

  private static double[] values(Result r, boolean late, ToDoubleFunction<StreamMetrics> get) {
    return r.runs().stream().mapToDouble(run -> get.applyAsDouble(late ? run.afterWarmup() : run.all()))
        .toArray();
  }

  private static TreeSet<String> types(Result r) {
    TreeSet<String> types = new TreeSet<>();
    r.runs().forEach(run -> types.addAll(run.all().perTypeAuroc().keySet()));
    return types;
  }

  private static String pm(double[] v) {
    double m = Metrics.mean(v);
    return Double.isNaN(m) ? "—" : String.format(Locale.ROOT, "%.3f ± %.3f", m, Metrics.std(v));
  }

  static String markdown(Result r) {
    EvalOptions o = r.options();
    StringBuilder md = new StringBuilder();
    long defective = r.samples().stream().filter(DatasetSample::defective).count();
    double seconds = r.runs().stream().mapToDouble(ShuffleRun::seconds).sum();
    long frames = r.runs().stream().mapToLong(run -> run.frames().size()).sum();
    md.append("# Evaluation: ").append(r.dataset().name()).append(" / ").append(r.modelName())
        .append("\n\n");
    md.append("- dataset: `").append(o.dataset()).append("` (").append(r.dataset().layout())
        .append(", ").append(r.dataset().samples().size()).append(" images)\n");
    md.append("- evaluated: ").append(r.samples().size()).append(" images, ").append(defective)
        .append(" defective");
    if (o.splitGroups() != null) {
      md.append("; split `").append(o.split().name().toLowerCase(Locale.ROOT))
          .append("` of `").append(o.splitGroups()).append("` (md5(group) mod 10 < 4 = tune)");
    }
    if (o.limit() > 0) {
      md.append("; **--limit ").append(o.limit()).append("** (evenly spread over sorted ids)");
    }
    if (o.kshot() > 0) {
      md.append("; k-shot seeds excluded, ").append(r.runs().get(0).frames().size())
          .append(" frames scored in shuffle 0");
    }
    md.append("\n- scopes: ").append(r.scopeRule()).append(": ").append(r.scopeSizes()).append('\n');
    md.append("- stream: ").append(o.shuffles()).append(" shuffled orders (seed ").append(o.seed())
        .append("), each scope from an empty memory").append(o.kshot() > 0
            ? " seeded with " + o.kshot() + " known-good images (excluded from the metrics)" : "")
        .append("; every frame scored only from the frames before it; labels unused by the scorer")
        .append(o.defectShare() > 0 ? String.format(Locale.ROOT, "; **line-like**: every good image"
            + " and a random draw of defective ones per order, about %.0f %% of each stream",
            100 * o.defectShare()) : "")
        .append('\n');
    md.append(String.format(Locale.ROOT, "- speed: %.1f images/s (%d frames in %.0f s, batch %d)%n",
        frames / seconds, frames, seconds, o.batch()));
    md.append("- operating point (ScoringConfig.defaults() of this build): ").append(r.operatingPoint())
        .append("; NG = reject, OK and UNSURE = pass\n");
    md.append(o.reviewRejects()
        ? "- **reject review**: after each batch every good frame judged NG was labelled OK (an"
            + " operator emptying the reject bin), and the memory learned it\n"
        : "- no operator labels: the stream is scored as it comes\n");
    ScoringConfig d = ScoringConfig.defaults();
    weight(md, "image-level rarity weight", o.scoring().imageRarityWeight(), d.imageRarityWeight());
    weight(md, "positional rarity weight", o.scoring().positionalWeight(), d.positionalWeight());
    weight(md, "within-frame rarity weight", o.scoring().withinFrameWeight(),
        d.withinFrameWeight());
    md.append("- headline = **all frames, warm-up included** (the first ").append(r.warmupFrames())
        .append(" frames of a scope are UNSURE by design); \"after warm-up\" leaves them out\n");
    md.append("- pixel metrics over the model-input map (").append(r.pixelImages())
        .append(" images); normal pixels sampled every ").append(o.pixelStride())
        .append(" rows and columns, every defective pixel kept; ").append(r.skippedEmptyMasks())
        .append(" defective images without a (non-empty) mask left out of pixel metrics only;"
            + " maps are the engine's raw (un-normalised) anomaly maps\n\n");

    md.append("## Summary (mean ± std over shuffles)\n\n| metric | all frames (headline) | after warm-up |\n")
        .append("| --- | --- | --- |\n");
    for (Column c : COLUMNS) {
      md.append("| ").append(c.title()).append(" | ").append(pm(values(r, false, c.get())))
          .append(" | ").append(pm(values(r, true, c.get()))).append(" |\n");
    }
    md.append("\n## AUROC per defect type (type vs all good)\n\n")
        .append("Image AUROC: the type's frames against every good frame. Pixel AUROC: the type's")
        .append(" masked pixels against every normal pixel kept, so a type with large masks weighs")
        .append(" most in the pooled pixel AUROC above.\n\n")
        .append("| type | images | image, all frames | image, after warm-up | pixel, all frames |")
        .append(" pixel, after warm-up |\n| --- | --- | --- | --- | --- | --- |\n");
    for (String type : types(r)) {
      long count = r.samples().stream().filter(x -> x.defective() && x.defectType().equals(type)).count();
      md.append("| ").append(type).append(" | ").append(count).append(" | ")
          .append(pm(values(r, false, s -> s.perTypeAuroc().getOrDefault(type, Double.NaN))))
          .append(" | ")
          .append(pm(values(r, true, s -> s.perTypeAuroc().getOrDefault(type, Double.NaN))))
          .append(" | ")
          .append(pm(values(r, false, s -> s.perTypePixelAuroc().getOrDefault(type, Double.NaN))))
          .append(" | ")
          .append(pm(values(r, true, s -> s.perTypePixelAuroc().getOrDefault(type, Double.NaN))))
          .append(" |\n");
    }
    md.append("\n## Per shuffle (all frames)\n\n| shuffle | image AUROC | pixel AUROC | AUPRO@30% | F1-max"
        + " | FRR | escape | s |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n");
    for (ShuffleRun run : r.runs()) {
      StreamMetrics s = run.all();
      md.append(String.format(Locale.ROOT, "| %d | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.0f |%n",
          run.index(), s.imageAuroc(), s.pixelAuroc(), s.aupro(), s.f1Max(), s.falseRejectRate(),
          s.escapeRate(), run.seconds()));
    }
    if (r.defectTypes() != null) {
      defectTypesMarkdown(r, md);
    }
    md.append("\n![ROC](roc_image.png)\n\n![heatmaps](heatmaps.png)\n\n"
        + "Heatmaps (shuffle 0): top row the highest-scored defective images, middle row the"
        + " lowest-scored defective ones (misses), bottom row the highest-scored good ones (false"
        + " alarms); green = ground truth mask; one colour scale for all tiles.\n");
    return md.toString();
  }

  private static void defectTypesMarkdown(Result r, StringBuilder md) {
    TypeAccuracy t = r.defectTypes();
    md.append("\n## Defect types, few-shot (").append(t.shots())
        .append(" labelled regions per type)\n\n").append(TYPE_PROTOCOL).append('\n');
    md.append("\n- labelled regions per type: ").append(t.regionsPerType())
        .append("; defective images without a non-empty mask, left out: ").append(withoutMask(r))
        .append('\n');
    List<String> leftOut = t.regionsPerType().keySet().stream()
        .filter(type -> !t.types().contains(type)).toList();
    if (!leftOut.isEmpty()) {
      md.append("- left out, no more than ").append(t.shots()).append(" regions: ").append(leftOut)
          .append('\n');
    }
    if (t.shuffles().isEmpty()) {
      md.append("- no type has more than ").append(t.shots())
          .append(" labelled regions: nothing to type\n");
      return;
    }
    md.append(String.format(Locale.ROOT, "- %d types, %d regions typed per shuffle, %d shuffles"
        + " (seed %d); chance (1 / types) **%.3f**%n%n", t.types().size(),
        t.shuffles().get(0).queries(), t.shuffles().size(), r.options().seed(), t.chance()));
    md.append("| metric (mean ± std over shuffles) | value |\n| --- | --- |\n")
        .append("| accuracy, all regions | **").append(pm(typeValues(t, TypeShuffle::accuracy)))
        .append("** |\n| mean per-type accuracy (balanced) | ")
        .append(pm(typeValues(t, TypeShuffle::meanTypeAccuracy))).append(" |\n")
        .append(String.format(Locale.ROOT, "| chance | %.3f |%n", t.chance()));
    md.append("\n| type | regions | accuracy |\n| --- | --- | --- |\n");
    for (int i = 0; i < t.types().size(); i++) {
      int type = i;
      md.append("| ").append(t.types().get(i)).append(" | ")
          .append(t.regionsPerType().get(t.types().get(i))).append(" | ")
          .append(pm(typeValues(t, s -> s.typeAccuracy(type)))).append(" |\n");
    }
    md.append("\nConfusion (rows = true type, columns = guess; counts summed over the shuffles):\n\n")
        .append("| true \\ guess |");
    t.types().forEach(type -> md.append(' ').append(type).append(" |"));
    md.append("\n| --- |").append(" --- |".repeat(t.types().size())).append('\n');
    int[][] total = confusionTotal(t);
    for (int i = 0; i < total.length; i++) {
      md.append("| ").append(t.types().get(i)).append(" |");
      for (int c : total[i]) {
        md.append(' ').append(c).append(" |");
      }
      md.append('\n');
    }
  }
}
