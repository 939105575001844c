package io.clipline.eval;

import io.clipline.dataset.DatasetReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.regex.Pattern;

/**
 * One evaluation over several datasets with one protocol and one model, written as one table
 * ({@code suite.md}).
 *
 * <p>Each set is evaluated twice with the same shuffles: once streaming every image of its split
 * (image and pixel AUROC, AUPRO) and once as a line-like stream in which defective images are
 * about {@link #LINE_DEFECT_SHARE} of each scope's stream (false-reject and escape rates at the
 * engine's own operating point). The scope of an image comes only from metadata a line has (the
 * set's scope regex on the image path, e.g. the lighting recipe), never from labels, and the model
 * and engine settings are the same for every set.
 *
 * <p>The suite file is a CSV with the header {@code name,dataset,groups,scope_regex}: a set's name,
 * its manifest CSV (or dataset folder), an optional {@code path,group} CSV for the grouped split
 * and an optional scope regex. Relative paths are resolved against {@code base}.
 */
public final class EvalSuite {
  /** Defective share of the line-like stream. */
  public static final double LINE_DEFECT_SHARE = 0.05;

  /** One set of the suite. */
  public record Entry(String name, Path dataset, Path groups, Pattern scopeRegex) {}

  /** The two evaluations of one set. */
  public record SetResult(Entry entry, Evaluator.Result all, Evaluator.Result line) {}

  private EvalSuite() {}

  /** Reads a suite CSV; relative paths resolve against {@code base}. */
  public static List<Entry> read(Path suiteFile, Path base) throws IOException {
    if (!Files.isRegularFile(suiteFile)) {
      throw new EvalException("--suite: no such file " + suiteFile);
    }
    List<String> lines = Files.readAllLines(suiteFile);
    if (lines.isEmpty() || !lines.get(0).trim().equals("name,dataset,groups,scope_regex")) {
      throw new EvalException("suite " + suiteFile
          + ": the first line must be the header name,dataset,groups,scope_regex");
    }
    List<Entry> entries = new ArrayList<>();
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      List<String> f = DatasetReader.splitCsv(line);
      if (f.size() != 4 || f.get(0).isBlank() || f.get(1).isBlank()) {
        throw new EvalException("suite " + suiteFile + " line " + (i + 1)
            + ": expected name,dataset,groups,scope_regex with a name and a dataset, got '" + line
            + "'");
      }
      entries.add(new Entry(f.get(0), base.resolve(f.get(1)).normalize(),
          f.get(2).isBlank() ? null : base.resolve(f.get(2)).normalize(),
          f.get(3).isBlank() ? null : Pattern.compile(f.get(3))));
    }
    if (entries.isEmpty()) {
      throw new EvalException("suite " + suiteFile + " lists no sets");
    }
    return entries;
  }

  /**
   * Evaluates every set with {@code template}'s model, shuffles, seed and settings (its dataset,
   * split file, scope and output are replaced per set) and writes {@code suite.md} into {@code
   * out}, with each set's own reports in sub-folders.
   */
  public static List<SetResult> run(List<Entry> entries, EvalOptions template, GroupSplit.Part split,
      Path out, PrintStream progress) throws IOException {
    List<SetResult> results = new ArrayList<>();
    for (Entry e : entries) {
      if (progress != null) {
        progress.println("suite: " + e.name() + " (" + e.dataset() + ")");
      }
      GroupSplit.Part part = e.groups() == null ? null : split;
      EvalOptions all = options(template, e, part, out.resolve(e.name()), 0);
      EvalOptions line = options(template, e, part, out.resolve(e.name() + "-line"),
          LINE_DEFECT_SHARE);
      results.add(new SetResult(e, new Evaluator(all, progress).run(),
          new Evaluator(line, progress).run()));
    }
    Files.createDirectories(out);
    Files.writeString(out.resolve("suite.md"), markdown(results, template, split));
    return results;
  }

  private static EvalOptions options(EvalOptions t, Entry e, GroupSplit.Part part, Path out,
      double share) {
    return new EvalOptions(e.dataset(), t.model(), t.shuffles(), t.seed(), t.kshot(), 0,
        e.scopeRegex(), null, e.groups(), part, out, t.limit(), t.batch(), t.pixelStride(),
        t.scoring(), share, t.reviewRejects());
  }

  static String markdown(List<SetResult> results, EvalOptions t, GroupSplit.Part split) {
    StringBuilder md = new StringBuilder("# Evaluation suite\n\n");
    md.append("- model: `").append(results.get(0).all().modelName()).append("` (`")
        .append(t.model()).append("`)\n");
    md.append("- split: ").append(split == null ? "none" : split.name().toLowerCase(Locale.ROOT))
        .append(" part of each set's grouped split (sets without a groups file: every image)\n");
    md.append(String.format(Locale.ROOT, "- %d shuffled orders per set (seed %d); mean ± std over"
        + " orders; AUROC and AUPRO from streams of every image, FRR and escape from line-like"
        + " streams (defective ≈ %.0f %% of each scope's stream, a new draw per order) at the"
        + " engine's operating point: %s%n", t.shuffles(), t.seed(), 100 * LINE_DEFECT_SHARE,
        results.get(0).line().operatingPoint()));
    md.append(t.reviewRejects()
        ? "- **reject review**: every good frame judged NG is labelled OK after its batch, and"
            + " the memory learns it (`--review-rejects`)\n"
        : "- no operator labels\n");
    md.append("- targets (issue #15): image AUROC ≥ 0.85, pixel AUROC ≥ 0.90, escape ≤ 0.20 at"
        + " FRR ≤ 0.01 on the line-like stream\n\n");
    md.append("- FRR and escape count every frame of the line stream, the scopes' warm-up included"
        + " (its frames are UNSURE, so a defect there escapes); the last two columns leave the"
        + " warm-up out: a line that runs on, or resumes warm from a snapshot, is judged so\n\n");
    md.append("- the last column is the escape after warm-up of one fixed threshold on the"
        + " normalised score, the lowest that keeps the FRR after warm-up at the operating point's"
        + " target, set in hindsight with the labels (no line can set it so). The online limit is"
        + " set per scope and moment, so it may do better; where the two are close, or the online"
        + " limit does better, the escape comes from the scores' overlap, not from the"
        + " threshold\n\n");
    md.append("| set | images (defective) | image AUROC | pixel AUROC | AUPRO@30% | line stream"
        + " images (defective) | FRR | escape | UNSURE | FRR after warm-up | escape after warm-up"
        + " | escape after warm-up, best fixed threshold |\n");
    md.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
    double[][] means = new double[9][results.size()];
    for (int i = 0; i < results.size(); i++) {
      SetResult r = results.get(i);
      StreamMetrics a = r.all().runs().get(0).all();
      StreamMetrics l = r.line().runs().get(0).all();
      List<ToDoubleFunction<StreamMetrics>> cols = List.of(StreamMetrics::imageAuroc,
          StreamMetrics::pixelAuroc, StreamMetrics::aupro);
      List<ToDoubleFunction<StreamMetrics>> lineCols = List.of(StreamMetrics::falseRejectRate,
          StreamMetrics::escapeRate, StreamMetrics::unsureRate, StreamMetrics::hindsightEscapeRate);
      md.append("| ").append(r.entry().name()).append(" | ").append(a.images()).append(" (")
          .append(a.defective()).append(')');
      for (int c = 0; c < 3; c++) {
        double[] v = values(r.all(), cols.get(c), Evaluator.ShuffleRun::all);
        means[c][i] = Metrics.mean(v);
        md.append(" | ").append(pm(v));
      }
      md.append(" | ").append(l.images()).append(" (").append(l.defective()).append(')');
      for (int c = 0; c < 3; c++) {
        double[] v = values(r.line(), lineCols.get(c), Evaluator.ShuffleRun::all);
        means[3 + c][i] = Metrics.mean(v);
        md.append(" | ").append(pm(v));
      }
      for (int c : new int[] {0, 1, 3}) {
        double[] v = values(r.line(), lineCols.get(c), Evaluator.ShuffleRun::afterWarmup);
        means[c == 3 ? 8 : 6 + c][i] = Metrics.mean(v);
        md.append(" | ").append(pm(v));
      }
      md.append(" |\n");
    }
    md.append("| **mean over sets** | |");
    for (int c = 0; c < 9; c++) {
      md.append(String.format(Locale.ROOT, " **%.3f** |", Metrics.mean(means[c])));
      if (c == 2) {
        md.append(" |");
      }
    }
    md.append("\n\nEach set's reports: `<set>/report.md` (every image) and `<set>-line/report.md`"
        + " (line-like stream), with `frames.csv` beside them.\n");
    return md.toString();
  }

  private static double[] values(Evaluator.Result r, ToDoubleFunction<StreamMetrics> get,
      Function<Evaluator.ShuffleRun, StreamMetrics> frames) {
    return r.runs().stream().mapToDouble(run -> get.applyAsDouble(frames.apply(run))).toArray();
  }

  private static String pm(double[] v) {
    double m = Metrics.mean(v);
    return Double.isNaN(m) ? "—" : String.format(Locale.ROOT, "%.3f ± %.3f", m, Metrics.std(v));
  }
}
