package io.clipline.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The committed ImageNet MobileNetV2 folder, src/models/imagenet-mnv2, run by ONNX Runtime in Java
 * through the worker's own ImageEncoder, must give what TensorFlow.js computed for the same Keras
 * layers from the same nsfwjs weights (reference.json, written by make_imagenet_model.py).
 * Tolerance 1e-4: absolute for values up to 1, relative above (block outputs reach about 40);
 * sums relative to the sum of absolute values.
 */
class ImagenetModelContractTest {
  private static final Path FOLDER = Path.of("..", "src", "models", "imagenet-mnv2");
  private static final double TOLERANCE = 1e-4;

  @Test
  void shouldMatchTensorflowJsWhenTheReferenceInputIsEncoded() throws IOException {
    ModelManifest manifest = ModelManifest.load(FOLDER);
    assertEquals(
        List.of(new ModelManifest.PatchOutput("patch_tokens_12", 12, 96)),
        manifest.image().patches());
    assertEquals(14, manifest.image().gridRows());
    assertEquals(14, manifest.image().gridCols());
    assertMatchesReference(FOLDER);
  }

  /**
   * With CLIPLINE_IMAGENET_FOLDER set to a folder that make_imagenet_model.py wrote with other
   * options (for example {@code --second-scale 160}, whose second patch output runs the tower on
   * the input resized inside the graph), that folder must match its own reference the same way.
   */
  @Test
  void shouldMatchTensorflowJsInAnotherFolderOfTheScriptWhenOneIsGiven() throws IOException {
    String other = System.getenv("CLIPLINE_IMAGENET_FOLDER");
    Assumptions.assumeTrue(other != null,
        "CLIPLINE_IMAGENET_FOLDER not set (a folder written by make_imagenet_model.py)");
    assertMatchesReference(Path.of(other));
  }

  /**
   * Every patch output the folder's manifest lists, and its image embedding, encoded by the
   * worker's ImageEncoder from the reference input, against the folder's reference.json.
   */
  private static void assertMatchesReference(Path folder) throws IOException {
    JsonNode reference = reference(folder);
    JsonNode input = reference.get("input");
    assertTrue(reference.get("source").asText().startsWith("TensorFlow.js"),
        "reference not computed by TensorFlow.js: " + reference.get("source"));
    float[] pixels = pixels(input);
    ModelManifest manifest = ModelManifest.load(folder);
    assertEquals(ModelManifest.Kind.CNN, manifest.kind());
    assertFalse(manifest.text().isPresent(), "the ImageNet CNN has no text tower");

    try (ImageEncoder encoder = ImageEncoder.open(manifest, InferenceOptions.defaults())) {
      ImageFeatures features = encoder.encode(pixels, input.get("shape").get(0).asInt());

      JsonNode outputs = reference.get("outputs");
      float[][] embeddings = features.embeddings().orElseThrow();
      assertMatches("image_embeds", outputs.get("image_embeds"), embeddings[0]);
      int patches = manifest.image().patches().size();
      assertEquals(patches * manifest.image().views().size(), features.layers().size());
      List<ImageFeatures.PatchLayer> asItIs = identityLayers(manifest, features);
      for (int l = 0; l < patches; l++) {
        String name = manifest.image().patches().get(l).output();
        JsonNode expected = outputs.get(name);
        float[] actual = asItIs.get(l).values();
        assertTrue(expected != null, name + " is not in " + folder.resolve("reference.json"));
        assertEquals(expected.get("shape").get(1).asInt() * expected.get("shape").get(2).asInt(),
            actual.length, name + " size");
        assertMatches(name, expected, actual);
      }
    }
  }

  /**
   * With CLIPLINE_TFJS_OUTPUTS set to the folder where make_imagenet_model.py left tfjs's raw
   * outputs ({@code ~/.cache/clipline/imagenet-mnv2/reference-224-12}, one {@code <output>.f32}
   * each), every value is compared, not only the first 64, and the largest difference and the
   * time of one forward on the CPU are printed.
   */
  @Test
  void shouldMatchEveryTensorflowJsValueWhenRawOutputsAreGiven() throws IOException {
    String raw = System.getenv("CLIPLINE_TFJS_OUTPUTS");
    Assumptions.assumeTrue(raw != null, "CLIPLINE_TFJS_OUTPUTS not set");
    JsonNode reference = reference(FOLDER);
    float[] pixels = pixels(reference.get("input"));
    ModelManifest manifest = ModelManifest.load(FOLDER);
    InferenceOptions cpu = InferenceOptions.defaults().withProvider(ExecutionProvider.CPU);
    try (ImageEncoder encoder = ImageEncoder.open(manifest, cpu)) {
      ImageFeatures features = encoder.encode(pixels, 1);
      for (int r = 0; r < 5; r++) {
        encoder.encode(pixels, 1);
      }
      int runs = 20;
      long start = System.nanoTime();
      for (int r = 0; r < runs; r++) {
        encoder.encode(pixels, 1);
      }
      double millis = (System.nanoTime() - start) / 1e6 / runs;
      System.out.printf(Locale.ROOT, "imagenet-mnv2: one %dx%d forward on the CPU: %.1f ms%n",
          manifest.image().width(), manifest.image().height(), millis);
      List<ImageFeatures.PatchLayer> asItIs = identityLayers(manifest, features);
      for (int l = 0; l < asItIs.size(); l++) {
        String name = manifest.image().patches().get(l).output();
        compareAll(name, Path.of(raw, name + ".f32"), asItIs.get(l).values());
      }
      compareAll("image_embeds", Path.of(raw, "image_embeds.f32"),
          features.embeddings().orElseThrow()[0]);
    }
  }

  /**
   * The shipped folder runs the tower on mirrored views too: the view layers of a frame must be
   * the layers of the mirrored frame as it is, mirrored back, so that each view's patch (r, c)
   * describes the frame's place (r, c).
   */
  @Test
  void shouldAlignEachViewWithTheFrameWhenTheFolderListsViews() {
    ModelManifest manifest = ModelManifest.load(FOLDER);
    List<ViewTransform> order = manifest.image().layerViews();
    assertTrue(order.size() > 1, "the shipped folder lists views: " + order);
    int h = manifest.image().height();
    int w = manifest.image().width();
    float[] frame = new float[manifest.image().sampleSize()];
    for (int i = 0; i < frame.length; i++) {
      frame[i] = (float) (0.5 + 0.4 * Math.sin(0.013 * i) * Math.cos(0.0007 * i));
    }
    int patches = manifest.image().patches().size();
    try (ImageEncoder encoder = ImageEncoder.open(manifest, InferenceOptions.defaults())) {
      ImageFeatures features = encoder.encode(frame, 1);
      for (int v = 0; v < order.size() - 1; v++) {
        ViewTransform view = order.get(v);
        float[] mirrored = new float[frame.length];
        view.transformImage(frame, 0, mirrored, 0, h, w);
        ImageFeatures ofMirrored = encoder.encode(mirrored, 1);
        for (int l = 0; l < patches; l++) {
          ImageFeatures.PatchLayer expected = identityLayers(manifest, ofMirrored).get(l);
          float[] back = new float[expected.values().length];
          view.alignPatches(expected.values(), 0, back, 0, expected.rows(), expected.cols(),
              expected.dim());
          float[] actual = features.layers().get(v * patches + l).values();
          for (int i = 0; i < back.length; i++) {
            assertEquals(back[i], actual[i], 1e-4 * Math.max(1, Math.abs(back[i])),
                view + " layer " + l + " value " + i);
          }
        }
      }
    }
  }

  /** The layers of the frame as it is: the last patch-output count of them. */
  private static List<ImageFeatures.PatchLayer> identityLayers(
      ModelManifest manifest, ImageFeatures features) {
    int patches = manifest.image().patches().size();
    int n = features.layers().size();
    return features.layers().subList(n - patches, n);
  }

  private static void compareAll(String name, Path file, float[] actual) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(actual.length * Float.BYTES, bytes.remaining(), name + " size");
    double maxAbs = 0;
    double maxRule = 0;
    for (int i = 0; i < actual.length; i++) {
      double expected = bytes.getFloat();
      double diff = Math.abs(expected - actual[i]);
      maxAbs = Math.max(maxAbs, diff);
      maxRule = Math.max(maxRule, diff / Math.max(1, Math.abs(expected)));
    }
    System.out.printf(Locale.ROOT,
        "imagenet-mnv2 vs tfjs, %s: %d values, max abs diff %.3g, max diff (abs <= 1, rel above)"
            + " %.3g%n", name, actual.length, maxAbs, maxRule);
    assertTrue(maxRule <= TOLERANCE, name + ": " + maxRule);
  }

  private static JsonNode reference(Path folder) throws IOException {
    return new ObjectMapper().readTree(folder.resolve("reference.json").toFile());
  }

  private static float[] pixels(JsonNode input) {
    return ReferenceInput.pixels(input);
  }

  private static void assertMatches(String name, JsonNode expected, float[] actual) {
    JsonNode first = expected.get("first64");
    for (int i = 0; i < first.size(); i++) {
      double v = first.get(i).asDouble();
      assertEquals(v, actual[i], TOLERANCE * Math.max(1, Math.abs(v)), name + " value " + i);
    }
    double sum = 0;
    double absSum = 0;
    for (float value : actual) {
      sum += value;
      absSum += Math.abs(value);
    }
    double expectedAbs = expected.get("abs_sum").asDouble();
    assertEquals(expectedAbs, absSum, TOLERANCE * expectedAbs, name + " abs_sum");
    assertEquals(expected.get("sum").asDouble(), sum, TOLERANCE * expectedAbs, name + " sum");
  }
}
