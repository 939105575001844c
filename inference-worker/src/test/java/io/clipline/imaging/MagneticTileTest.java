package io.clipline.imaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.clipline.model.ModelManifest.ChannelOrder;
import io.clipline.model.ModelManifest.ImageTower;
import io.clipline.model.ModelManifest.Interpolation;
import io.clipline.model.ModelManifest.PatchOutput;
import io.clipline.model.ModelManifest.ResizeMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencv.core.Mat;
import org.opencv.imgcodecs.Imgcodecs;

/**
 * Real camera images: grayscale JPEGs of the Magnetic Tile dataset in the project's shared folder
 * ({@code shared/datasets/magnetic_tile}, beside the repository). Skipped when it is absent.
 */
class MagneticTileTest {
  private static final Path DATASET = Path.of("datasets", "magnetic_tile");

  private static Path dataset;

  @BeforeAll
  static void findDataset() {
    OpenCvNatives.load();
    // Look upwards from the working directory (the module, or the repository root) for shared/.
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("shared").resolve(DATASET);
      if (Files.isRegularFile(candidate.resolve("manifest.csv"))) {
        dataset = candidate;
        return;
      }
    }
  }

  @Test
  void shouldDecodeAndPreprocessWhenImagesAreRealGrayscaleJpegs() throws IOException {
    assumeTrue(
        dataset != null,
        "shared/datasets/magnetic_tile not found beside the repository: the project's shared"
            + " folder holds it");
    List<Path> images = firstImagesPerClass();
    FrameDecoder decoder = new FrameDecoder(FrameLimits.DEFAULT);
    Preprocessor preprocessor = new Preprocessor(clipLikeTower());
    float[] input = new float[preprocessor.sampleSize()];

    for (Path image : images) {
      byte[] bytes = Files.readAllBytes(image);
      int[] size = sizeByImread(image);

      DecodedFrame frame = decoder.decode(bytes, PixelEncoding.JPEG, size[0], size[1]);
      CropGeometry crop = preprocessor.preprocess(frame, input, 0);

      assertEquals(1, frame.channels(), image + " should stay grayscale");
      assertEquals(Math.min(size[0], size[1]), Math.min(crop.width(), crop.height()), 1.0);
      for (float value : input) {
        assertTrue(Float.isFinite(value) && Math.abs(value) < 3, image + ": " + value);
      }
    }
  }

  /** The first image of each class in manifest.csv (path,label,class,mask_path). */
  private static List<Path> firstImagesPerClass() throws IOException {
    try (Stream<String> lines = Files.lines(dataset.resolve("manifest.csv"))) {
      List<Path> images =
          lines
              .skip(1)
              .map(line -> line.split(","))
              .collect(Collectors.toMap(row -> row[2], row -> row[0], (a, b) -> a))
              .values()
              .stream()
              .sorted()
              .map(dataset::resolve)
              .collect(Collectors.toList());
      assertTrue(images.size() >= 2, "expected several classes in manifest.csv");
      return images;
    }
  }

  private static int[] sizeByImread(Path image) {
    Mat mat = Imgcodecs.imread(image.toString(), Imgcodecs.IMREAD_UNCHANGED);
    try {
      return new int[] {mat.cols(), mat.rows()};
    } finally {
      mat.release();
    }
  }

  private static ImageTower clipLikeTower() {
    return new ImageTower(
        "image.onnx",
        Optional.empty(),
        "pixel_values",
        224,
        224,
        ResizeMode.SHORT_SIDE_CENTER_CROP,
        Interpolation.BICUBIC,
        ChannelOrder.RGB,
        new float[] {0.48145466f, 0.4578275f, 0.40821073f},
        new float[] {0.26862954f, 0.26130258f, 0.27577711f},
        14,
        14,
        Optional.empty(),
        List.of(new PatchOutput("patch_tokens", 6, 768)));
  }
}
