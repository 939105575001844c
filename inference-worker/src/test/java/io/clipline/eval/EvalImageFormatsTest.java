package io.clipline.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipline.scoring.ScoringConfig;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Public defect sets ship BMP and TIFF images and masks, index masks whose defect pixels are 1,
 * not 255, and masks at another resolution than their images. An evaluation over such a set
 * (synthetic here, through the embedded texture model) reads every file by its content and counts
 * every mask.
 */
class EvalImageFormatsTest {
  private static final int SIZE = 64;

  @TempDir Path dir;

  private static Path textureModel() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path model = d.resolve(Path.of("src", "models", "texture"));
      if (Files.exists(model.resolve("clipline-model.json"))) {
        return model;
      }
    }
    return null;
  }

  /** A grainy gray surface, with a bright square where {@code defect} is true. */
  private static BufferedImage surface(Random random, boolean defect) {
    BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < SIZE; y++) {
      for (int x = 0; x < SIZE; x++) {
        int v = 100 + random.nextInt(30);
        if (defect && x >= 20 && x < 36 && y >= 24 && y < 40) {
          v = 240;
        }
        image.getRaster().setSample(x, y, 0, v);
      }
    }
    return image;
  }

  /** The defect's mask with {@code value} inside the square, at {@code 1 / shrink} of the size. */
  private static BufferedImage mask(int value, int shrinkX, int shrinkY) {
    BufferedImage image =
        new BufferedImage(SIZE / shrinkX, SIZE / shrinkY, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 24 / shrinkY; y < 40 / shrinkY; y++) {
      for (int x = 20 / shrinkX; x < 36 / shrinkX; x++) {
        image.getRaster().setSample(x, y, 0, value);
      }
    }
    return image;
  }

  private EvalOptions options(Path manifest, Path model) {
    return new EvalOptions(manifest, model, 1, 1L, 0, 0, null, null, null, null,
        dir.resolve("out"), 0, 4, 1, ScoringConfig.defaults(), 0.0, false);
  }

  @Test
  void shouldReadBmpAndTiffImagesAndIndexMasksByTheirContent() throws IOException {
    Path model = textureModel();
    assumeTrue(model != null, "src/models/texture not found above the working directory");
    Random random = new Random(7);
    List<String> rows = new ArrayList<>(List.of("path,label,class,mask_path"));
    for (int i = 0; i < 24; i++) {
      boolean defect = i % 6 == 5;
      // BMP and TIFF alternate; one defect is a JPEG saved under a .png name.
      String image = i == 11 ? "img" + i + ".png" : "img" + i + (i % 2 == 0 ? ".bmp" : ".tif");
      String format = i == 11 ? "jpg" : i % 2 == 0 ? "bmp" : "tiff";
      assertTrue(ImageIO.write(surface(random, defect), format, dir.resolve(image).toFile()));
      String maskName = "";
      if (defect) {
        maskName = "mask" + i + (i == 5 ? ".png" : ".bmp");
        // an index mask (1 = defect) except for one 0/255 PNG mask; one at half the resolution
        int shrink = i == 17 ? 2 : 1;
        assertTrue(ImageIO.write(mask(i == 5 ? 255 : 1, shrink, shrink), i == 5 ? "png" : "bmp",
            dir.resolve(maskName).toFile()));
      }
      rows.add(image + "," + (defect ? 1 : 0) + "," + (defect ? "spot" : "good") + "," + maskName);
    }
    Path manifest = Files.write(dir.resolve("manifest.csv"), rows);

    new Evaluator(options(manifest, model), null).run();

    JsonNode report = new ObjectMapper().readTree(dir.resolve("out/report.json").toFile());
    assertEquals(24, report.get("images").asInt());
    assertEquals(24, report.get("pixelMetricImages").asInt(), "every image counts, every mask read");
    assertEquals(0, report.get("pixelMetricSkippedDefectiveWithoutMask").asInt(),
        "index masks (defect = 1) are not read as empty");
    double pixelAuroc = report.at("/shuffles/0/all/pixelAuroc").asDouble(Double.NaN);
    assertTrue(pixelAuroc >= 0 && pixelAuroc <= 1,
        "defective pixels were counted (no masked pixel: NaN), got " + pixelAuroc);
  }

  @Test
  void shouldRefuseAMaskWhoseAspectRatioIsNotItsImages() throws IOException {
    Path model = textureModel();
    assumeTrue(model != null, "src/models/texture not found above the working directory");
    Random random = new Random(8);
    List<String> rows = new ArrayList<>(List.of("path,label,class,mask_path"));
    for (int i = 0; i < 4; i++) {
      assertTrue(ImageIO.write(surface(random, i == 3), "bmp", dir.resolve(i + ".bmp").toFile()));
      rows.add(i + ".bmp," + (i == 3 ? "1,spot,m.bmp" : "0,good,"));
    }
    assertTrue(ImageIO.write(mask(1, 2, 1), "bmp", dir.resolve("m.bmp").toFile()));
    Path manifest = Files.write(dir.resolve("manifest.csv"), rows);

    EvalException e =
        assertThrows(EvalException.class, () -> new Evaluator(options(manifest, model), null).run());

    assertTrue(e.getMessage().contains("is 32 × 64, its image 64 × 64: not the same aspect ratio"),
        e.getMessage());
  }

  @Test
  void shouldNameTheFileThatCannotBeDecoded() throws IOException {
    Path model = textureModel();
    assumeTrue(model != null, "src/models/texture not found above the working directory");
    Files.write(dir.resolve("bad.png"), new byte[] {'G', 'I', 'F', '8', '9', 'a', 0, 0});
    Path manifest =
        Files.write(dir.resolve("manifest.csv"), List.of("path,label,class,mask_path", "bad.png,0,good,"));

    EvalException e =
        assertThrows(EvalException.class, () -> new Evaluator(options(manifest, model), null).run());

    assertTrue(e.getMessage().contains("bad.png") && e.getMessage().contains("not a JPEG, PNG"),
        e.getMessage());
  }

  @Test
  void shouldTakeOnlyTheValueOneAsDefectiveInAnIndexMask() {
    assertEquals(0, Evaluator.maskThreshold(new byte[] {0, 1, 0, 1}, 1));
    assertEquals(127, Evaluator.maskThreshold(new byte[] {0, (byte) 255, (byte) 128}, 1));
    assertEquals(127, Evaluator.maskThreshold(new byte[] {0, 0}, 1), "an empty mask stays empty");
    // the first channel decides: a colour mask whose red is 1 but blue 0
    assertEquals(127, Evaluator.maskThreshold(new byte[] {0, 0, 1}, 3));
  }
}
