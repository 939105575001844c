package io.clipline.camera;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clipline.schemas.FrameEncoding;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The built-in surface generator: deterministic, sized as declared, defects as configured. */
class CameraProceduralSurfacesTest {
  private static ProceduralSurfaces surfaces(double defectRate, long seed) {
    return new ProceduralSurfaces(
        new ProceduralSurfaces.Options(96, 64, false, FrameEncoding.PNG, defectRate, seed));
  }

  @Test
  void shouldProduceIdenticalFramesWhenSeedCameraAndSequenceAreEqual() {
    for (int camera = 0; camera < 4; camera++) {
      for (long sequence = 0; sequence < 5; sequence++) {
        SourceFrame first = surfaces(0.5, 7).frameFor(camera, sequence);
        SourceFrame second = surfaces(0.5, 7).frameFor(camera, sequence);

        assertArrayEquals(first.image(), second.image(), "camera " + camera + " seq " + sequence);
        assertEquals(first.truth().label(), second.truth().label());
        assertEquals(first.truth().defectType(), second.truth().defectType());
      }
    }
  }

  @Test
  void shouldProduceDifferentFramesWhenSeedOrSequenceDiffers() {
    SourceFrame frame = surfaces(0, 7).frameFor(0, 0);

    assertFalse(java.util.Arrays.equals(frame.image(), surfaces(0, 8).frameFor(0, 0).image()));
    assertFalse(java.util.Arrays.equals(frame.image(), surfaces(0, 7).frameFor(0, 1).image()));
  }

  @Test
  void shouldKeepOneProductPerCameraWhenFramesVary() {
    ProceduralSurfaces surfaces = surfaces(0.3, 1);
    Set<String> products = new HashSet<>();
    for (int camera = 0; camera < 4; camera++) {
      String product = surfaces.frameFor(camera, 0).product();
      for (long sequence = 1; sequence < 10; sequence++) {
        assertEquals(product, surfaces.frameFor(camera, sequence).product(), "camera " + camera);
      }
      products.add(product);
    }
    assertEquals(Set.of("brushed-metal", "woven", "granular", "tile"), products);
  }

  @ParameterizedTest
  @CsvSource({
    // encoding, color, width, height
    "PNG,  false, 256, 256",
    "PNG,  true,  200, 120",
    "JPEG, false, 256, 256",
    "JPEG, true,  64,  48",
  })
  void shouldDecodeToDeclaredSizeWhenEncodedAsFile(
      FrameEncoding encoding, boolean color, int width, int height) throws IOException {
    ProceduralSurfaces surfaces = new ProceduralSurfaces(
        new ProceduralSurfaces.Options(width, height, color, encoding, 0.5, 3));

    SourceFrame frame = surfaces.frameFor(2, 9);
    BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(frame.image()));

    assertEquals(encoding, frame.encoding());
    assertEquals(width, decoded.getWidth());
    assertEquals(height, decoded.getHeight());
    assertEquals(color ? 3 : 1, decoded.getRaster().getNumBands());
    assertEquals(width, frame.width());
    assertEquals(height, frame.height());
  }

  @ParameterizedTest
  @CsvSource({
    // encoding, color, bytes per pixel
    "GRAY8, false, 1",
    "BGR8,  true,  3",
  })
  void shouldHoldWidthTimesHeightTimesChannelsBytesWhenEncodedRaw(
      FrameEncoding encoding, boolean color, int channels) {
    ProceduralSurfaces surfaces = new ProceduralSurfaces(
        new ProceduralSurfaces.Options(80, 40, color, encoding, 0.1, 3));

    assertEquals(80 * 40 * channels, surfaces.frameFor(0, 0).image().length);
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.0, 0.1, 0.3, 1.0})
  void shouldInjectDefectsAtConfiguredRateWhenRenderingManyFrames(double rate) {
    ProceduralSurfaces surfaces = surfaces(rate, 11);
    int frames = 600;
    int defective = 0;
    Set<DefectKind> kinds = EnumSet.noneOf(DefectKind.class);
    for (int i = 0; i < frames; i++) {
      GroundTruth truth = surfaces.frameFor(i % 4, i / 4).truth();
      if (truth.isDefective()) {
        defective++;
        kinds.add(DefectKind.valueOf(truth.defectType().toUpperCase(java.util.Locale.ROOT)));
      }
    }

    // Four binomial standard deviations: 0.075 at rate 0.3; exact at rates 0 and 1.
    double tolerance = 4 * Math.sqrt(rate * (1 - rate) / frames);
    assertEquals(rate, defective / (double) frames, tolerance, "defect share");
    if (rate >= 0.3) {
      assertEquals(EnumSet.allOf(DefectKind.class), kinds, "every kind appears");
    }
  }

  @Test
  void shouldCarryNonEmptyMaskExactlyWhenFrameIsDefective() {
    ProceduralSurfaces surfaces = surfaces(0.4, 5);
    int defective = 0;
    for (int i = 0; i < 200; i++) {
      GroundTruth truth = surfaces.frameFor(i % 3, i).truth();
      DefectMask mask = truth.mask().orElseThrow();

      assertEquals(96, mask.width());
      assertEquals(64, mask.height());
      assertEquals(truth.isDefective(), !mask.isEmpty(), "frame " + i + ": " + truth.label());
      assertEquals(truth.isDefective() ? GroundTruth.Label.DEFECTIVE : GroundTruth.Label.NORMAL,
          truth.label());
      defective += truth.isDefective() ? 1 : 0;
    }
    assertTrue(defective > 0 && defective < 200, "both kinds of frame seen: " + defective);
  }

  @Test
  void shouldVaryIlluminationWhenOneCameraSendsSeveralNormalFrames() {
    ProceduralSurfaces surfaces = new ProceduralSurfaces(
        new ProceduralSurfaces.Options(64, 64, false, FrameEncoding.GRAY8, 0, 2));

    double first = mean(surfaces.frameFor(0, 0).image());
    double second = mean(surfaces.frameFor(0, 1).image());

    assertNotEquals(first, second);
    assertEquals(first, second, 30, "same surface, similar brightness");
  }

  @ParameterizedTest
  @CsvSource({
    // width, height, color, encoding, defectRate, field named in the message
    "16,  64, false, PNG,   0.1, width",
    "64, 9000, false, PNG,  0.1, height",
    "64,  64, true,  GRAY8, 0.1, color",
    "64,  64, false, BGR8,  0.1, color",
    "64,  64, false, UNKNOWN, 0.1, encoding",
    "64,  64, false, PNG,   1.5, defectRate",
  })
  void shouldNameFieldWhenOptionsAreInvalid(int width, int height, boolean color,
      FrameEncoding encoding, double defectRate, String field) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ProceduralSurfaces.Options(width, height, color, encoding, defectRate, 1));
    assertTrue(e.getMessage().contains(field), e.getMessage());
  }

  private static double mean(byte[] pixels) {
    long sum = 0;
    for (byte pixel : pixels) {
      sum += pixel & 0xFF;
    }
    return sum / (double) pixels.length;
  }
}
