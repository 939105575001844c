package io.clipline.launcher;

import io.clipline.eval.EvalException;
import io.clipline.camera.SimulatedDataset;
import io.clipline.eval.EvalOptions;
import io.clipline.eval.EvalSuite;
import io.clipline.eval.Evaluator;
import io.clipline.eval.GroupSplit;
import io.clipline.model.ModelException;
import io.clipline.scoring.ScoringConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code clipline eval}: replays a labelled dataset through the real scorer as shuffled streams
 * and writes image / pixel metrics, a Markdown and JSON report and plots (issue #4).
 */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = {
      "Scores a labelled dataset (manifest CSV, MVTec AD or VisA folder) as streams, one scoring"
          + " scope per group of images, each image judged only from the images before it in its"
          + " scope; reports image AUROC, pixel AUROC, AUPRO@30%%, F1-max, false-reject and escape"
          + " rates at the engine's operating point, mean ± std over shuffled orders; with"
          + " --type-shots, few-shot defect-type accuracy on the ground-truth regions."
    })
final class EvalCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--dataset", description = "Manifest CSV, folder with manifest.csv, or MVTec AD / VisA folder (this or --suite). Images and masks may be JPEG, PNG, BMP or TIFF, told apart by their bytes; a mask marks defects where it is > 127, or 1 in a mask of only 0 and 1, and may have another resolution than its image, not another aspect ratio.")
  Path dataset;

  @Option(names = "--suite", description = "Suite CSV (name,dataset,groups,scope_regex; paths relative to the working directory; dataset 'simulator' = procedural surfaces): evaluates every set twice, every image and a line-like 5%% defective stream, and writes one table, suite.md (e.g. src/eval/suite.csv).")
  Path suite;

  @Option(names = "--model", defaultValue = "src/models/imagenet-mnv2", description = "Model folder (default: ${DEFAULT-VALUE}).")
  Path model;

  @Option(names = "--shuffles", defaultValue = "5", description = "Random stream orders (default: ${DEFAULT-VALUE}).")
  int shuffles;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the stream orders (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--kshot", defaultValue = "0", description = "Known-good images seeded per scope before the stream, excluded from the metrics (default: ${DEFAULT-VALUE}).")
  int kshot;

  @Option(names = "--type-shots", defaultValue = "0", description = "Also measure defect-type accuracy with K labelled ground-truth regions per type as few-shot examples, the other regions typed (default: ${DEFAULT-VALUE} = off).")
  int typeShots;

  @Option(names = "--image-rarity-weight", description = "Weight of the image-level rarity term in the image score; 0 leaves it out (an ablation; default: the engine's, 1.0).")
  Double imageRarityWeight;

  @Option(names = "--positional-weight", description = "Share of the positional rarity (each patch against the last frames at its own grid cell) in the patch rarity, 0 to 1; 0 leaves it out (an ablation; default: the engine's, 0.5).")
  Double positionalWeight;

  @Option(names = "--review-rejects", description = "After each batch, label every good frame judged NG as OK, as an operator reviewing the reject bin would; the memory then learns it (ScoringEngine.learnGood). Default: no labels.")
  boolean reviewRejects;

  @Option(names = "--within-frame-weight", description = "Share of the within-frame rarity (each patch against the rest of its own frame) in the patch rarity, 0 to 1 (an ablation; default: the engine's, 0 = off).")
  Double withinFrameWeight;

  @ArgGroup(exclusive = true)
  ScopeChoice scope;

  static final class ScopeChoice {
    @Option(names = "--scope-regex", description = "Scope = first capture group of this regex on the image path, e.g. '(exp\\d+)'.")
    String regex;

    @Option(names = "--scope-column", description = "Scope = this manifest column.")
    String column;
  }

  @Option(names = "--split-groups", description = "path,group CSV for a grouped split (md5(group) mod 10 < 4 = tune, else report).")
  Path splitGroups;

  @Option(names = "--split", description = "Part of the grouped split to evaluate: tune or report.")
  String split;

  @Option(names = "--out", description = "Output folder (default: target/eval/<dataset>-<model>-<timestamp>).")
  Path out;

  @Option(names = "--defect-share", defaultValue = "0", description = "Line-like stream: keep every good image and only so many defective ones, drawn per shuffle, that they make up about this share of each scope's stream, e.g. 0.05 (default: ${DEFAULT-VALUE} = every image).")
  double defectShare;

  @Option(names = "--limit", defaultValue = "0", description = "Evaluate at most N images, evenly spread (default: all).")
  int limit;

  @Option(names = "--batch", defaultValue = "8", description = "Frames per encoder call (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--pixel-stride", defaultValue = "4", description = "Sample normal pixels every N rows and columns for pixel metrics (default: ${DEFAULT-VALUE}).")
  int pixelStride;

  @Override
  public Integer call() throws Exception {
    GroupSplit.Part part = null;
    if (split != null) {
      try {
        part = GroupSplit.Part.valueOf(split.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--split: expected tune or report, got '" + split + "'");
      }
    }
    if (suite == null && (splitGroups == null) != (split == null)) {
      throw new ParameterException(spec.commandLine(), "--split-groups and --split go together: give both or neither");
    }
    if ((dataset == null) == (suite == null)) {
      throw new ParameterException(spec.commandLine(), "give --dataset or --suite (one of them)");
    }
    if (suite != null) {
      return runSuite(part);
    }
    Pattern regex = null;
    if (scope != null && scope.regex != null) {
      try {
        regex = Pattern.compile(scope.regex);
      } catch (PatternSyntaxException e) {
        throw new ParameterException(spec.commandLine(), "--scope-regex: " + e.getDescription() + " in '" + scope.regex + "'");
      }
    }
    Path output = out != null ? out : Path.of("target", "eval", nameOf(dataset) + "-" + nameOf(model) + "-"
        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    try {
      EvalOptions options = new EvalOptions(dataset, model, shuffles, seed, kshot, typeShots, regex,
          scope == null ? null : scope.column, splitGroups, part, output, limit, batch, pixelStride,
          scoring(), defectShare, reviewRejects);
      new Evaluator(options, System.err).run();
    } catch (EvalException | ModelException e) {
      spec.commandLine().getErr().println("clipline eval: " + e.getMessage());
      return 2;
    }
    System.out.println(Files.readString(output.resolve("report.md")));
    System.out.println("report: " + output.toAbsolutePath().resolve("report.md"));
    return 0;
  }

  /** The engine's defaults with the weights given on the command line; a bad one names its flag. */
  private ScoringConfig scoring() {
    ScoringConfig.Builder b = ScoringConfig.builder();
    String flag = null;
    try {
      if (imageRarityWeight != null) {
        flag = "--image-rarity-weight";
        b.imageRarityWeight(imageRarityWeight).build();
      }
      if (positionalWeight != null) {
        flag = "--positional-weight";
        b.positionalWeight(positionalWeight).build();
      }
      if (withinFrameWeight != null) {
        flag = "--within-frame-weight";
        b.withinFrameWeight(withinFrameWeight).build();
      }
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), flag + ": " + e.getMessage());
    }
  }

  private Integer runSuite(GroupSplit.Part part) throws Exception {
    if (splitGroups != null || scope != null) {
      throw new ParameterException(spec.commandLine(),
          "--suite takes each set's split file and scope rule from the suite file: leave out"
              + " --split-groups, --scope-regex and --scope-column (keep --split)");
    }
    Path output = out != null ? out : Path.of("target", "eval", "suite-" + nameOf(model) + "-"
        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    GroupSplit.Part chosen = part == null ? GroupSplit.Part.REPORT : part;
    try {
      List<EvalSuite.Entry> entries = new ArrayList<>();
      for (EvalSuite.Entry e : EvalSuite.read(suite, Path.of(""))) {
        entries.add(e.dataset().toString().equals(SIMULATOR)
            ? new EvalSuite.Entry(e.name(), SimulatedDataset.write(output.resolve("simulator-data"),
                4, 120, 0.05, seed), null, e.scopeRegex())
            : e);
      }
      EvalOptions template = new EvalOptions(Path.of("suite"), model, shuffles, seed, kshot, 0,
          null, null, null, null, output, limit, batch, pixelStride, scoring(), 0, reviewRejects);
      EvalSuite.run(entries, template, chosen, output, System.err);
    } catch (EvalException | ModelException e) {
      spec.commandLine().getErr().println("clipline eval: " + e.getMessage());
      return 2;
    }
    System.out.println(Files.readString(output.resolve("suite.md")));
    System.out.println("suite: " + output.toAbsolutePath().resolve("suite.md"));
    return 0;
  }

  /** The suite file's dataset name for frames of the procedural simulator. */
  private static final String SIMULATOR = "simulator";

  private static String nameOf(Path p) {
    Path abs = p.toAbsolutePath().normalize();
    String name = abs.getFileName() == null ? "dataset" : abs.getFileName().toString();
    return name.endsWith(".csv") && abs.getParent() != null ? abs.getParent().getFileName().toString() : name;
  }
}
