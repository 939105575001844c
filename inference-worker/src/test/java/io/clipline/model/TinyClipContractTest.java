package io.clipline.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clipline.model.ImageFeatures.PatchLayer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java side of the model contract, on {@code src/models/tiny-clip-random}: ONNX Runtime and
 * the DJL tokenizer in Java must reproduce what PyTorch recorded in its {@code reference.json}
 * (tolerance 1e-4), at batch 1 and batch N. Skipped when the folder has not been made.
 */
class TinyClipContractTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final InferenceOptions CPU =
      new InferenceOptions(ExecutionProvider.CPU, false, 1, 0, false, OptLevel.ALL_OPT);

  private static Path folder;
  private static JsonNode reference;

  @BeforeAll
  static void findModel() throws IOException {
    // From the module (Maven) or the repository root (an IDE), whichever is the working directory.
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("src/models/tiny-clip-random");
      if (Files.isRegularFile(candidate.resolve("reference.json"))) {
        folder = candidate;
        reference = JSON.readTree(candidate.resolve("reference.json").toFile());
        return;
      }
    }
  }

  private static void assumeModel(boolean text) {
    assumeTrue(
        folder != null,
        "src/models/tiny-clip-random is missing: make it with (from the repository root)"
            + " /usr/bin/python3 src/models/make_tiny_clip.py, after src/models/setup.sh");
    assumeTrue(
        !text || Files.isRegularFile(folder.resolve("text.onnx")),
        folder + " has no text.onnx yet: remake it with /usr/bin/python3"
            + " src/models/make_tiny_clip.py");
  }

  @Test
  void shouldMatchPythonWhenImageBatchIsEncoded() {
    assumeModel(false);
    JsonNode image = reference.get("image");
    int batch = image.get("input_shape").get(0).asInt();

    try (ImageEncoder encoder = ImageEncoder.open(ModelManifest.load(folder), CPU)) {
      ImageFeatures features = encoder.encode(referencePixels(image), batch);

      JsonNode outputs = image.get("outputs");
      assertMatches(outputs.get("image_embeds"), flatten(features.embeddings().orElseThrow()));
      for (int i = 0; i < features.layers().size(); i++) {
        String name = encoder.manifest().image().patches().get(i).output();
        assertMatches(outputs.get(name), features.layers().get(i).values());
      }
    }
  }

  @Test
  void shouldGiveEachImageTheSameFeaturesWhenBatchIsOneOrThree() {
    assumeModel(false);
    float[] pixels = referencePixels(reference.get("image"));

    try (ImageEncoder encoder = ImageEncoder.open(ModelManifest.load(folder), CPU)) {
      int sample = encoder.manifest().image().sampleSize();
      float[] three = new float[3 * sample];
      for (int n = 0; n < 3; n++) {
        System.arraycopy(pixels, (n % 2) * sample, three, n * sample, sample);
      }
      ImageFeatures single = encoder.encode(pixels, 1); // reads only the first image
      ImageFeatures batch = encoder.encode(three, 3);

      assertEquals(1, single.batch());
      assertEquals(3, batch.batch());
      assertEquals(32, single.embeddings().orElseThrow()[0].length);
      assertArrayEquals(
          single.embeddings().orElseThrow()[0], batch.embeddings().orElseThrow()[2], 1e-5f);
      for (int i = 0; i < batch.layers().size(); i++) {
        PatchLayer one = single.layers().get(i);
        PatchLayer many = batch.layers().get(i);
        assertEquals(i + 1, many.layer());
        assertEquals(4 * 4 * 48, one.values().length);
        int size = one.values().length;
        assertArrayEquals(
            one.values(), Arrays.copyOfRange(many.values(), many.offset(2, 0), 3 * size), 1e-5f);
      }
    }
  }

  @Test
  void shouldMatchPythonTokenIdsWhenPromptsAreTokenized() {
    assumeModel(true);
    JsonNode text = reference.get("text");

    try (TextEncoder encoder = TextEncoder.open(ModelManifest.load(folder), CPU)) {
      long[][] ids = encoder.tokenize(prompts(text));

      JsonNode expected = text.get("input_ids");
      assertEquals(expected.size(), ids.length);
      for (int i = 0; i < ids.length; i++) {
        long[] row = new long[expected.get(i).size()];
        for (int j = 0; j < row.length; j++) {
          row[j] = expected.get(i).get(j).asLong();
        }
        assertArrayEquals(row, ids[i], "prompt " + i + ": " + prompts(text).get(i));
      }
    }
  }

  @Test
  void shouldMatchPythonWhenPromptsAreEncoded() {
    assumeModel(true);
    JsonNode text = reference.get("text");

    try (TextEncoder encoder = TextEncoder.open(ModelManifest.load(folder), CPU)) {
      float[][] embeddings = encoder.encode(prompts(text));
      float[][] first = encoder.encode(prompts(text).subList(0, 1));

      assertMatches(text.get("outputs").get("text_embeds"), flatten(embeddings));
      assertArrayEquals(embeddings[0], first[0], 1e-5f);
    }
  }

  @Test
  void shouldRefuseUseWhenClosedAndTolerateSecondClose() {
    assumeModel(false);
    ImageEncoder encoder = ImageEncoder.open(ModelManifest.load(folder), CPU);

    encoder.close();
    encoder.close();

    assertThrows(IllegalStateException.class, () -> encoder.encode(new float[3 * 64 * 64], 1));
  }

  @Test
  void shouldRejectShortInputWhenBatchNeedsMoreFloats() {
    assumeModel(false);
    try (ImageEncoder encoder = ImageEncoder.open(ModelManifest.load(folder), CPU)) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> encoder.encode(new float[3 * 64 * 64], 2));

      assertTrue(e.getMessage().startsWith("chw:"), e.getMessage());
    }
  }

  @Test
  void shouldListModelInputsWhenManifestNamesAnotherInput(@TempDir Path copy) throws IOException {
    assumeModel(false);
    ObjectNode manifest =
        (ObjectNode) JSON.readTree(folder.resolve(ModelManifest.FILE_NAME).toFile());
    ((ObjectNode) manifest.get("image")).put("input", "images");
    manifest.remove("text");
    Files.copy(folder.resolve("image.onnx"), copy.resolve("image.onnx"));
    Files.writeString(copy.resolve(ModelManifest.FILE_NAME), JSON.writeValueAsString(manifest));

    ModelException e =
        assertThrows(ModelException.class, () -> ImageEncoder.open(ModelManifest.load(copy), CPU));

    assertTrue(
        e.getMessage().contains("image.input: no input 'images'; expected one of [pixel_values]"),
        e.getMessage());
  }

  @Test
  void shouldListModelOutputsWhenManifestNamesAnotherOutput(@TempDir Path copy)
      throws IOException {
    assumeModel(false);
    ObjectNode manifest =
        (ObjectNode) JSON.readTree(folder.resolve(ModelManifest.FILE_NAME).toFile());
    ((ObjectNode) manifest.get("image").get("patches").get(2)).put("output", "patch_tokens_9");
    manifest.remove("text");
    Files.copy(folder.resolve("image.onnx"), copy.resolve("image.onnx"));
    Files.writeString(copy.resolve(ModelManifest.FILE_NAME), JSON.writeValueAsString(manifest));

    ModelException e =
        assertThrows(ModelException.class, () -> ImageEncoder.open(ModelManifest.load(copy), CPU));

    assertTrue(
        e.getMessage().contains("image.patches[2].output: no output 'patch_tokens_9'; expected one"
            + " of"),
        e.getMessage());
  }

  @Test
  void shouldSayRarityOnlyWhenModelHasNoTextTower() {
    ModelManifest manifest =
        new ModelManifest(
            Path.of("texture"),
            "texture-v1",
            ModelManifest.Kind.TEXTURE,
            "",
            new ModelManifest.ImageTower(
                "image.onnx", Optional.empty(), "pixel_values", 8, 8,
                ModelManifest.ResizeMode.STRETCH, ModelManifest.Interpolation.AREA,
                ModelManifest.ChannelOrder.RGB, new float[3], new float[] {1, 1, 1}, 2, 2,
                Optional.empty(), List.of(new ModelManifest.PatchOutput("patches", 1, 4))),
            Optional.empty(),
            Optional.empty());

    ModelException e = assertThrows(ModelException.class, () -> TextEncoder.open(manifest, CPU));

    assertTrue(e.getMessage().contains("has no text tower"), e.getMessage());
  }

  /** The reference input: {@code (float) sin(0.001 * i)} over the flat index. */
  private static float[] referencePixels(JsonNode image) {
    assertEquals("sin(0.001*i)", image.get("input").asText(), "reference input rule changed");
    int size = 1;
    for (JsonNode dim : image.get("input_shape")) {
      size *= dim.asInt();
    }
    float[] pixels = new float[size];
    for (int i = 0; i < size; i++) {
      pixels[i] = (float) Math.sin(0.001 * i);
    }
    return pixels;
  }

  private static List<String> prompts(JsonNode text) {
    List<String> prompts = new ArrayList<>();
    text.get("prompts").forEach(p -> prompts.add(p.asText()));
    return prompts;
  }

  /** Checks shape, the first recorded values, and the sums over all values. */
  private static void assertMatches(JsonNode expected, float[] actual) {
    double tolerance = reference.get("tolerance").asDouble();
    long count = 1;
    for (JsonNode dim : expected.get("shape")) {
      count *= dim.asLong();
    }
    assertEquals(count, actual.length, "element count of " + expected.get("shape"));
    JsonNode values = expected.get("values");
    for (int i = 0; i < values.size(); i++) {
      assertEquals(values.get(i).asDouble(), actual[i], tolerance, "value " + i);
    }
    double sum = 0;
    double absSum = 0;
    for (float value : actual) {
      sum += value;
      absSum += Math.abs(value);
    }
    assertEquals(expected.get("sum").asDouble(), sum, tolerance * count, "sum");
    assertEquals(expected.get("abs_sum").asDouble(), absSum, tolerance * count, "abs_sum");
  }

  private static float[] flatten(float[][] rows) {
    float[] flat = new float[rows.length * rows[0].length];
    for (int n = 0; n < rows.length; n++) {
      System.arraycopy(rows[n], 0, flat, n * rows[0].length, rows[0].length);
    }
    return flat;
  }
}
