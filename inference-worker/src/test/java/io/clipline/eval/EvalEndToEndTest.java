package io.clipline.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipline.scoring.ScoringConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small real run: 20 Magnetic Tile images (from the project's shared folder beside the
 * repository) through the embedded texture model, defect types with one labelled region per type
 * included. Skipped when the shared folder is absent.
 */
class EvalEndToEndTest {
  @TempDir Path out;

  /** Walks up from the working directory (module or repository root) to find {@code relative}. */
  private static Path findUpwards(Path relative) {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.exists(dir.resolve(relative))) {
        return dir.resolve(relative);
      }
    }
    return null;
  }

  @Test
  void shouldWriteReportWhenRunOnTwentyRealImages() throws IOException {
    Path manifest = findUpwards(Path.of("shared", "datasets", "magnetic_tile", "manifest.csv"));
    assumeTrue(manifest != null,
        "shared/datasets/magnetic_tile not found beside the repository: skipping the real-data run");
    Path model = findUpwards(Path.of("src", "models", "texture", "clipline-model.json"));
    assumeTrue(model != null, "src/models/texture not found above " + Path.of("").toAbsolutePath());

    EvalOptions options = new EvalOptions(manifest, model.getParent(), 1, 1L, 0, 1,
        Pattern.compile("(exp\\d+)"), null, null, null, out, 20, 4, 4, ScoringConfig.defaults(), 0.0, false);
    new Evaluator(options, null).run();

    JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
    assertEquals(20, report.get("images").asInt());
    assertTrue(report.get("defective").asInt() > 0, "the evenly spread limit keeps defective images");
    double auroc = report.at("/shuffles/0/all/imageAuroc").asDouble(Double.NaN);
    assertTrue(auroc >= 0 && auroc <= 1, "image AUROC in [0, 1], got " + auroc);
    double hindsight = report.at("/shuffles/0/all/hindsightEscapeRate").asDouble(Double.NaN);
    assertTrue(hindsight >= 0 && hindsight <= 1,
        "the rate-based default gives a hindsight escape in [0, 1], got " + hindsight);
    JsonNode types = report.get("defectTypes");
    assertEquals(1, types.get("shots").asInt());
    assertTrue(types.get("regionsPerType").size() > 0, "masked defective images give regions");
    for (JsonNode shuffle : types.get("shuffles")) {
      double accuracy = shuffle.get("accuracy").asDouble();
      assertTrue(accuracy >= 0 && accuracy <= 1, "type accuracy in [0, 1], got " + accuracy);
    }
    for (String file : new String[] {"report.md", "roc_image.png", "heatmaps.png"}) {
      assertTrue(Files.size(out.resolve(file)) > 0, file);
    }
  }
}
