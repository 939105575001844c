package io.clipline.imaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.clipline.model.ModelManifest.ChannelOrder;
import io.clipline.model.ModelManifest.Contrast;
import io.clipline.model.ModelManifest.ImageTower;
import io.clipline.model.ModelManifest.Interpolation;
import io.clipline.model.ModelManifest.PatchOutput;
import io.clipline.model.ModelManifest.ResizeMode;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Hand-computed cases on a 2 × 2 model input with mean (0.1, 0.2, 0.3) and std (0.5, 0.25, 2):
 * channel c of byte value v becomes (v / 255 - mean[c]) / std[c].
 */
class PreprocessorTest {
  private static final float TOLERANCE = 1e-6f;

  /** 2 × 2 BGR: (B, G, R) = (10, 20, 30), (40, 50, 60) / (70, 80, 90), (100, 110, 120). */
  private static final DecodedFrame BGR_2X2 =
      new DecodedFrame(2, 2, 3, bytes(10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120));

  @Test
  void shouldWriteRgbPlanesWhenChannelsAreRgb() {
    float[] out = new float[12];

    CropGeometry crop =
        preprocessor(ResizeMode.STRETCH, ChannelOrder.RGB).preprocess(BGR_2X2, out, 0);

    // R plane: 30, 60, 90, 120; G plane: 20, 50, 80, 110; B plane: 10, 40, 70, 100
    assertArrayEquals(
        new float[] {
          0.0352941f, 0.2705882f, 0.5058824f, 0.7411765f,
          -0.4862745f, -0.0156863f, 0.4549020f, 0.9254902f,
          -0.1303922f, -0.0715686f, -0.0127451f, 0.0460784f
        },
        out,
        TOLERANCE);
    assertEquals(new CropGeometry(2, 2, 0, 0, 2, 2), crop);
  }

  @Test
  void shouldWriteBgrPlanesWhenChannelsAreBgr() {
    float[] out = new float[12];

    preprocessor(ResizeMode.STRETCH, ChannelOrder.BGR).preprocess(BGR_2X2, out, 0);

    // B plane with channel 0's mean and std: (10 / 255 - 0.1) / 0.5 = -0.1215686
    assertArrayEquals(
        new float[] {-0.1215686f, 0.1137255f, 0.3490196f, 0.5843137f},
        Arrays.copyOfRange(out, 0, 4),
        TOLERANCE);
    // R plane with channel 2's mean and std: (120 / 255 - 0.3) / 2 = 0.0852941
    assertEquals(0.0852941f, out[11], TOLERANCE);
  }

  @Test
  void shouldCropCentreColumnsWhenFrameIsWideAndModeIsCrop() {
    // 4 × 2 gray, short side already 2: no scaling, columns 1 and 2 kept
    DecodedFrame wide = new DecodedFrame(4, 2, 1, bytes(0, 51, 102, 153, 204, 255, 10, 20));
    float[] out = new float[12];

    CropGeometry crop =
        preprocessor(ResizeMode.SHORT_SIDE_CENTER_CROP, ChannelOrder.RGB).preprocess(wide, out, 0);

    // gray replicated: every plane holds 51, 102, 255, 10 under its own mean and std
    assertArrayEquals(
        new float[] {
          0.2f, 0.6f, 1.8f, -0.1215686f,
          0.0f, 0.8f, 3.2f, -0.6431373f,
          -0.05f, 0.05f, 0.35f, -0.1303922f
        },
        out,
        TOLERANCE);
    assertEquals(new CropGeometry(4, 2, 1, 0, 2, 2), crop);
  }

  @Test
  void shouldCropCentreRowsWhenFrameIsTallAndModeIsCrop() {
    // 2 × 4 gray: rows 1 and 2 kept
    DecodedFrame tall = new DecodedFrame(2, 4, 1, bytes(0, 0, 51, 102, 153, 204, 0, 0));
    float[] out = new float[12];

    CropGeometry crop =
        preprocessor(ResizeMode.SHORT_SIDE_CENTER_CROP, ChannelOrder.RGB).preprocess(tall, out, 0);

    assertArrayEquals(
        new float[] {0.2f, 0.6f, 1.0f, 1.4f}, Arrays.copyOfRange(out, 0, 4), TOLERANCE);
    assertEquals(new CropGeometry(2, 4, 0, 1, 2, 2), crop);
  }

  @Test
  void shouldAverageBlocksWhenAreaStretchHalvesTheFrame() {
    // 4 × 4 gray whose 2 × 2 blocks average to 51, 102, 153, 204
    DecodedFrame frame =
        new DecodedFrame(
            4, 4, 1,
            bytes(50, 52, 100, 104, 51, 51, 102, 102, 150, 156, 200, 208, 153, 153, 204, 204));
    float[] out = new float[12];

    preprocessor(ResizeMode.STRETCH, ChannelOrder.RGB).preprocess(frame, out, 0);

    assertArrayEquals(
        new float[] {0.2f, 0.6f, 1.0f, 1.4f}, Arrays.copyOfRange(out, 0, 4), TOLERANCE);
  }

  @Test
  void shouldMapModelInputBackToFrameWhenCropIsScaled() {
    // 400 × 200 to 2 × 2: scaled by 1/100 to 4 × 2, column 1 onwards kept
    DecodedFrame frame = new DecodedFrame(400, 200, 1, new byte[400 * 200]);

    CropGeometry crop =
        preprocessor(ResizeMode.SHORT_SIDE_CENTER_CROP, ChannelOrder.RGB)
            .preprocess(frame, new float[12], 0);

    assertEquals(new CropGeometry(400, 200, 100, 0, 200, 200), crop);
    assertEquals(200, crop.toSourceX(0.5));
    assertEquals(200, crop.toSourceY(1));
  }

  @Test
  void shouldWriteOnlyItsSlotWhenOffsetIsGiven() {
    float[] out = new float[24];

    preprocessor(ResizeMode.STRETCH, ChannelOrder.RGB).preprocess(BGR_2X2, out, 12);

    assertArrayEquals(new float[12], Arrays.copyOfRange(out, 0, 12));
    assertEquals(0.0352941f, out[12], TOLERANCE);
  }

  @Test
  void shouldMapFrameToDeclaredMeanAndStdWhenContrastIsDeclared() {
    // gray 0, 51, 102, 153 (x = 0, 0.2, 0.4, 0.6): mean 0.3, std sqrt(0.05) = 0.2236068
    DecodedFrame gray = new DecodedFrame(2, 2, 1, bytes(0, 51, 102, 153));
    float[] out = new float[12];

    contrastPreprocessor(new Contrast(0.5, 0.1)).preprocess(gray, out, 0);

    // x' = (x - 0.3) / 0.2236068 * 0.1 + 0.5, then the manifest's (x' - 0.1) / 0.5 on channel 0
    double[] expected = {0.3658359, 0.4552786, 0.5447214, 0.6341641};
    for (int i = 0; i < 4; i++) {
      assertEquals((expected[i] - 0.1) / 0.5, out[i], 1e-5);
      assertEquals((expected[i] - 0.3) / 2, out[8 + i], 1e-5);
    }
  }

  @Test
  void shouldGiveSameInputWhenOnlyExposureDiffers() {
    // the same surface, dim (gain 1, offset 20) and bright (gain 2, offset 60)
    int[] surface = {3, 17, 40, 9};
    int[] dim = new int[4];
    int[] bright = new int[4];
    for (int i = 0; i < 4; i++) {
      dim[i] = 20 + surface[i];
      bright[i] = 60 + 2 * surface[i];
    }
    Preprocessor preprocessor = contrastPreprocessor(new Contrast(0.45, 0.25));
    float[] fromDim = new float[12];
    float[] fromBright = new float[12];

    preprocessor.preprocess(new DecodedFrame(2, 2, 1, bytes(dim)), fromDim, 0);
    preprocessor.preprocess(new DecodedFrame(2, 2, 1, bytes(bright)), fromBright, 0);

    assertArrayEquals(fromDim, fromBright, 1e-4f);
    float[] plain = new float[12];
    preprocessor(ResizeMode.STRETCH, ChannelOrder.RGB)
        .preprocess(new DecodedFrame(2, 2, 1, bytes(dim)), plain, 0);
    float[] plainBright = new float[12];
    preprocessor(ResizeMode.STRETCH, ChannelOrder.RGB)
        .preprocess(new DecodedFrame(2, 2, 1, bytes(bright)), plainBright, 0);
    assertNotEquals(plain[0], plainBright[0], 0.1f);
  }

  @Test
  void shouldOnlyShiftWhenFrameIsFlat() {
    DecodedFrame flat = new DecodedFrame(2, 2, 1, bytes(200, 200, 200, 200));
    float[] out = new float[12];

    contrastPreprocessor(new Contrast(0.5, 0.1)).preprocess(flat, out, 0);

    assertEquals((0.5 - 0.1) / 0.5, out[0], 1e-5);
    assertEquals((0.5 - 0.1) / 0.5, out[3], 1e-5);
  }

  @Test
  void shouldRejectWhenDestinationHasNoRoom() {
    Preprocessor preprocessor = preprocessor(ResizeMode.STRETCH, ChannelOrder.RGB);

    assertThrows(
        IllegalArgumentException.class, () -> preprocessor.preprocess(BGR_2X2, new float[20], 9));
  }

  private static Preprocessor preprocessor(ResizeMode resize, ChannelOrder channels) {
    return new Preprocessor(
        new ImageTower(
            "image.onnx",
            Optional.empty(),
            "pixel_values",
            2,
            2,
            resize,
            Interpolation.AREA,
            channels,
            new float[] {0.1f, 0.2f, 0.3f},
            new float[] {0.5f, 0.25f, 2f},
            1,
            1,
            Optional.empty(),
            List.of(new PatchOutput("patches", 1, 8))));
  }

  private static Preprocessor contrastPreprocessor(Contrast contrast) {
    return new Preprocessor(
        new ImageTower(
            "image.onnx",
            Optional.empty(),
            "pixel_values",
            2,
            2,
            ResizeMode.STRETCH,
            Interpolation.AREA,
            ChannelOrder.RGB,
            new float[] {0.1f, 0.2f, 0.3f},
            new float[] {0.5f, 0.25f, 2f},
            1,
            1,
            Optional.empty(),
            List.of(new PatchOutput("patches", 1, 8)),
            Optional.empty(),
            Optional.of(contrast)));
  }

  private static byte[] bytes(int... values) {
    byte[] bytes = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      bytes[i] = (byte) values[i];
    }
    return bytes;
  }
}
