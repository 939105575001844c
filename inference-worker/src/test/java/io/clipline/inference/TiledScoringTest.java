package io.clipline.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clipline.imaging.DecodedFrame;
import io.clipline.model.InferenceOptions;
import io.clipline.model.ModelManifest;
import io.clipline.schemas.Verdict;
import io.clipline.scoring.ScoringConfig;
import io.clipline.scoring.Thresholds;
import io.clipline.worker.FrameResult;
import io.clipline.worker.ScorableFrame;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tiling end to end on the committed models: a dark disc painted at a known place of a large
 * frame, after clean frames of the same surface, is reported there, in frame pixels, as one
 * verdict for the frame.
 */
class TiledScoringTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path MODELS = Path.of("..", "src", "models");

  @TempDir Path folder;

  static Stream<Arguments> cases() {
    Consumer<ObjectNode> tile = image -> image.put("resize", "TILE").putObject("tile")
        .put("overlap", 32).put("scale", 0.5);
    Consumer<ObjectNode> letterbox = image -> image.put("resize", "LETTERBOX");
    return Stream.of(
        // 1200 × 800 at 0.5 is 600 × 400: 3 × 2 tiles; the disc sits where tiles overlap.
        Arguments.of("imagenet-mnv2", "TILE", tile, 1200, 800, 430, 370, 30),
        Arguments.of("texture", "TILE", tile, 1200, 800, 880, 230, 40),
        // A non-square frame letterboxed into one tile.
        Arguments.of("imagenet-mnv2", "LETTERBOX", letterbox, 900, 500, 650, 140, 40),
        Arguments.of("texture", "LETTERBOX", letterbox, 900, 500, 250, 330, 50));
  }

  @ParameterizedTest(name = "{0} {1}: disc at {5}, {6} of a {3} × {4} frame")
  @MethodSource("cases")
  void shouldReportAPaintedDefectAtItsPlaceInFramePixels(String model, String mode,
      Consumer<ObjectNode> resize, int width, int height, int cx, int cy, int radius)
      throws IOException {
    Path dir = copyWith(MODELS.resolve(model), resize);
    ScoringConfig config = ScoringConfig.builder().warmupFrames(6)
        // The fixed limits this test was written for (OK < 2 <= UNSURE < 3 <= NG on the robust z):
        // it is about where a defect is reported, not about the default operating point.
        .thresholds(Thresholds.fixed(2.0, 3.0)).build();
    try (ModelFrameScorer scorer =
        ModelFrameScorer.open(dir, InferenceOptions.defaults(), config, "object")) {
      Random random = new Random(15);
      for (int batch = 0; batch < 3; batch++) {
        List<ScorableFrame> clean = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          byte[] gray = surface(width, height, random);
          clean.add(frame("clean-" + batch + "-" + i, width, height, gray));
        }
        scorer.score(clean);
      }
      byte[] defective = surface(width, height, random);
      paintDisc(defective, width, height, cx, cy, radius);

      FrameResult result =
          scorer.score(List.of(frame("defect", width, height, defective))).results().get(0);

      String where = model + " " + mode + ": " + result.regions();
      assertEquals(Verdict.NG, result.verdict(), where);
      assertFalse(result.regions().isEmpty(), where);
      FrameResult.Region top = result.regions().stream()
          .max(Comparator.comparingDouble(FrameResult.Region::peakScore)).orElseThrow();
      assertTrue(top.x() <= cx && cx < top.x() + top.width()
          && top.y() <= cy && cy < top.y() + top.height(), "box contains the disc's centre: "
          + where);
      // Local: within a few disc diameters, or a few grid cells where a cell is larger (the map
      // is smoothed over a few cells, and the scorer pools 3 x 3 cells).
      ModelManifest.ImageTower tower = ModelManifest.load(dir).image();
      double cell = "TILE".equals(mode)
          ? (double) tower.width() / tower.gridCols() / 0.5
          : (double) Math.max(width, height) / tower.gridCols();
      double local = Math.max(6 * radius, 6 * cell);
      assertTrue(top.width() <= local && top.height() <= local,
          "box is local (at most " + local + " px): " + where);
      for (FrameResult.Region r : result.regions()) {
        assertTrue(r.x() >= 0 && r.y() >= 0 && r.x() + r.width() <= width
            && r.y() + r.height() <= height, "inside the frame: " + r);
      }
    }
  }

  @Test
  void shouldRefuseABatchWithAFrameOfAnotherGridBeforeScoringAnyOfIt() throws IOException {
    Path dir = copyWith(MODELS.resolve("texture"), image -> image.put("resize", "LETTERBOX"));
    try (ModelFrameScorer scorer = ModelFrameScorer.open(
        dir, InferenceOptions.defaults(), ScoringConfig.defaults(), "object")) {
      Random random = new Random(3);
      scorer.score(List.of(frame("wide-0", 900, 500, surface(900, 500, random))));
      ScorableFrame wide = frame("wide-1", 900, 500, surface(900, 500, random));
      ScorableFrame tall = frame("tall", 500, 900, surface(500, 900, random));

      IllegalArgumentException e = assertThrows(
          IllegalArgumentException.class, () -> scorer.score(List.of(wide, tall)));

      assertEquals("frame tall of 500 × 900 px gives a 16x9 patch grid under resize LETTERBOX,"
          + " but scope 'plate@cam-1' has a 9x16 grid: under LETTERBOX and TILE a scope takes"
          + " frames of one size (docs/MODEL_FORMAT.md)", e.getMessage());
      assertEquals(1, scorer.engine().stats("plate@cam-1").frames(), "wide-1 was not scored");
      assertEquals(2, scorer.score(List.of(wide)).results().get(0).scopeFramesSeen());
    }
  }

  /** A copy of a model folder whose manifest's image tower is edited by {@code resize}. */
  private Path copyWith(Path model, Consumer<ObjectNode> resize) throws IOException {
    try (Stream<Path> files = Files.list(model)) {
      for (Path f : files.toList()) {
        Files.copy(f, folder.resolve(f.getFileName().toString()));
      }
    }
    Path manifest = folder.resolve(ModelManifest.FILE_NAME);
    ObjectNode root = (ObjectNode) JSON.readTree(manifest.toFile());
    resize.accept((ObjectNode) root.get("image"));
    Files.writeString(manifest, JSON.writeValueAsString(root));
    return folder;
  }

  private static ScorableFrame frame(String id, int width, int height, byte[] gray) {
    return new ScorableFrame(id, "cam-1", "plate", new DecodedFrame(width, height, 1, gray));
  }

  /** A stationary brushed-metal-like surface: two gratings of random phase and pixel noise. */
  private static byte[] surface(int width, int height, Random random) {
    double p1 = random.nextDouble() * 2 * Math.PI;
    double p2 = random.nextDouble() * 2 * Math.PI;
    byte[] px = new byte[width * height];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        double v = 140 + 18 * Math.sin(x / 5.0 + p1) + 12 * Math.sin((x + 2 * y) / 11.0 + p2)
            + 8 * random.nextGaussian();
        px[y * width + x] = (byte) Math.max(0, Math.min(255, (int) Math.round(v)));
      }
    }
    return px;
  }

  private static void paintDisc(byte[] px, int width, int height, int cx, int cy, int radius) {
    for (int y = Math.max(0, cy - radius); y < Math.min(height, cy + radius + 1); y++) {
      for (int x = Math.max(0, cx - radius); x < Math.min(width, cx + radius + 1); x++) {
        if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= radius * radius) {
          px[y * width + x] = 25;
        }
      }
    }
  }
}
