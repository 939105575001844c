package io.clipline.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clipline.dataset.Dataset;
import io.clipline.scoring.ScoringConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The suite table, from hand-made results (no images, no model). */
class EvalSuiteMarkdownTest {
  private static final EvalOptions OPTIONS = new EvalOptions(Path.of("suite.csv"),
      Path.of("model"), 2, 1L, 0, 0, null, null, null, null, Path.of("out"), 0, 8, 4,
      ScoringConfig.defaults(), 0.0, false);

  @Test
  void shouldShowTheLineStreamsRatesWithAndWithoutTheWarmUp() {
    EvalSuite.SetResult tiles = set("tiles", 0.02, 0.01, 0.80, 0.70, 0.55);
    EvalSuite.SetResult screws = set("screws", 0.00, 0.00, 0.40, 0.20, 0.15);

    String md = EvalSuite.markdown(List.of(tiles, screws), OPTIONS, null);

    List<String> header = md.lines().filter(l -> l.startsWith("| set |")).toList();
    assertEquals(1, header.size(), md);
    assertTrue(header.get(0).endsWith("| FRR after warm-up | escape after warm-up"
        + " | escape after warm-up, best fixed threshold |"), md);
    String row = md.lines().filter(l -> l.startsWith("| tiles |")).findFirst().orElseThrow();
    // image, pixel, AUPRO; then FRR, escape and UNSURE with the warm-up; then FRR, escape and
    // the hindsight escape without.
    assertTrue(row.endsWith("| 0.020 ± 0.000 | 0.800 ± 0.000 | 0.250 ± 0.000"
        + " | 0.010 ± 0.000 | 0.700 ± 0.000 | 0.550 ± 0.000 |"), row);
    String mean = md.lines().filter(l -> l.startsWith("| **mean over sets**")).findFirst()
        .orElseThrow();
    assertTrue(mean.endsWith(
        "| **0.010** | **0.600** | **0.250** | **0.005** | **0.450** | **0.350** |"), mean);
    assertEquals(14, row.split("\\|", -1).length, "12 columns: " + row);
  }

  private static EvalSuite.SetResult set(String name, double frr, double frrLate, double escape,
      double escapeLate, double hindsightEscape) {
    StreamMetrics every = metrics(0.9, 0.0, 0.0, 0.0);
    Evaluator.Result all = result(every, every);
    Evaluator.Result line = result(metrics(0.9, frr, escape, 0.99),
        metrics(0.9, frrLate, escapeLate, hindsightEscape));
    return new EvalSuite.SetResult(
        new EvalSuite.Entry(name, Path.of(name + ".csv"), null, null), all, line);
  }

  private static StreamMetrics metrics(double auroc, double frr, double escape,
      double hindsightEscape) {
    return new StreamMetrics(100, 5, auroc, auroc, auroc, auroc, 0.5, frr, escape,
        hindsightEscape, 0.25, Map.of(), Map.of());
  }

  private static Evaluator.Result result(StreamMetrics all, StreamMetrics afterWarmup) {
    List<Evaluator.ShuffleRun> runs = List.of(
        new Evaluator.ShuffleRun(0, List.of(), all, afterWarmup, List.of(), 1.0),
        new Evaluator.ShuffleRun(1, List.of(), all, afterWarmup, List.of(), 1.0));
    return new Evaluator.Result(OPTIONS,
        new Dataset("toy", Path.of("."), Path.of("manifest.csv"), Dataset.Layout.MANIFEST,
            List.of(), List.of()), List.of(), List.of(), Map.of(), "toy-model", "one scope", runs,
        Map.of(), 20, "fixed", 0, 0, null);
  }
}
