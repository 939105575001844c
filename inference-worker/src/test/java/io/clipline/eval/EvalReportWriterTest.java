package io.clipline.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipline.dataset.Dataset;
import io.clipline.dataset.DatasetSample;
import io.clipline.dataset.DatasetSample.Label;
import io.clipline.eval.TypeAccuracy.LabelledRegion;
import io.clipline.scoring.ScoringConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The report's defect-type section, from a hand-made result (no images, no model). */
class EvalReportWriterTest {
  private static Evaluator.Result result(int typeShots) {
    return result(typeShots, ScoringConfig.defaults());
  }

  private static Evaluator.Result result(int typeShots, ScoringConfig scoring) {
    EvalOptions options = new EvalOptions(Path.of("manifest.csv"), Path.of("model"), 2, 1L, 0,
        typeShots, null, null, null, null, Path.of("out"), 0, 8, 4, scoring, 0.0, false);
    List<DatasetSample> samples = new ArrayList<>();
    List<LabelledRegion> regions = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      String type = i < 4 ? "crack" : "hole";
      samples.add(new DatasetSample("img" + i + ".png", Path.of("img" + i + ".png"),
          Label.DEFECTIVE, type, Path.of("mask" + i + ".png"), null, Map.of()));
      regions.add(new LabelledRegion(i, type, i < 4 ? new float[] {1, 0} : new float[] {0, 1}));
    }
    samples.add(new DatasetSample("no-mask.png", Path.of("no-mask.png"), Label.DEFECTIVE, "crack",
        null, null, Map.of()));
    TypeAccuracy types = typeShots == 0 ? null
        : TypeAccuracy.measure(regions, typeShots, options.shuffles(), 1, ScoringConfig.defaults());
    return new Evaluator.Result(options,
        new Dataset("toy", Path.of("."), Path.of("manifest.csv"), Dataset.Layout.MANIFEST,
            List.of(), samples), samples,
        List.of(), Map.of("all", samples.size()), "toy-model", "one scope", List.of(), Map.of(),
        20, "fixed", 0, 0, types);
  }

  @Test
  void shouldReportTypeAccuracyInJsonWhenTypeShotsAreGiven() {
    JsonNode json = new ObjectMapper().valueToTree(ReportWriter.json(result(2)));
    assertEquals(2, json.at("/options/typeShots").asInt());
    assertEquals(2, json.at("/defectTypes/shots").asInt());
    assertEquals(1.0, json.at("/defectTypes/summary/accuracy/mean").asDouble(), 0.0);
    assertEquals(0.5, json.at("/defectTypes/chance").asDouble(), 0.0);
    assertEquals(1, json.at("/defectTypes/defectiveWithoutMask").asInt());
    // 4 regions per type, 2 examples: 2 typed per type and shuffle, 2 shuffles
    assertEquals(4, json.at("/defectTypes/confusionSummedOverShuffles/crack/crack").asInt());
    assertEquals(0, json.at("/defectTypes/confusionSummedOverShuffles/crack/hole").asInt());
    assertEquals(2, json.at("/defectTypes/shuffles").size());
  }

  @Test
  void shouldReportTypeAccuracyInMarkdownWhenTypeShotsAreGiven() {
    String md = ReportWriter.markdown(result(2));
    assertTrue(md.contains("## Defect types, few-shot (2 labelled regions per type)"), md);
    assertTrue(md.contains("| accuracy, all regions | **1.000 ± 0.000** |"), md);
    assertTrue(md.contains("chance (1 / types) **0.500**"), md);
    assertTrue(md.contains("| crack | 4 | 0 |"), md); // confusion row, 2 shuffles x 2 typed
  }

  @Test
  void shouldLeaveTypesOutOfTheReportWhenTypeShotsAreZero() {
    Evaluator.Result r = result(0);
    JsonNode json = new ObjectMapper().valueToTree(ReportWriter.json(r));
    assertEquals(0, json.at("/options/typeShots").asInt());
    assertTrue(json.path("defectTypes").isMissingNode());
    assertFalse(ReportWriter.markdown(r).contains("Defect types"));
  }

  @Test
  void shouldNameEveryScoringWeightAndWhetherItIsTheEnginesDefault() {
    ScoringConfig ablation = ScoringConfig.builder().positionalWeight(0).build();
    String md = ReportWriter.markdown(result(0, ablation));
    assertTrue(md.contains("- positional rarity weight: 0.0 (ablation; the engine's default is "
        + ScoringConfig.defaults().positionalWeight() + ")"), md);
    assertTrue(md.contains("- image-level rarity weight: 1.0 (the engine's default)"), md);
    assertTrue(md.contains("- within-frame rarity weight: 0.0 (the engine's default)"), md);
    JsonNode json = new ObjectMapper().valueToTree(ReportWriter.json(result(0, ablation)));
    assertEquals(0.0, json.at("/options/positionalWeight").asDouble(), 0.0);
  }
}
