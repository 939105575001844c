package io.clipline.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The committed embedded default, src/models/texture, run by ONNX Runtime in Java, must give
 * what its generator recorded in reference.json (numpy implementation of the same filters).
 */
class TextureModelContractTest {
  private static final Path FOLDER = Path.of("..", "src", "models", "texture");

  @Test
  void shouldMatchTheRecordedOutputsWhenTheReferenceInputIsEncoded() throws IOException {
    JsonNode reference = new ObjectMapper().readTree(FOLDER.resolve("reference.json").toFile());
    JsonNode input = reference.get("input");
    float[] pixels = ReferenceInput.pixels(input);
    ModelManifest manifest = ModelManifest.load(FOLDER);
    assertFalse(manifest.text().isPresent(), "the texture model has no text tower");

    try (ImageEncoder encoder = ImageEncoder.open(manifest, InferenceOptions.defaults())) {
      ImageFeatures features = encoder.encode(pixels, input.get("shape").get(0).asInt());

      JsonNode outputs = reference.get("outputs");
      float[][] embeddings = features.embeddings().orElseThrow();
      assertMatches("image_embeds", outputs.get("image_embeds"), embeddings[0]);
      for (int l = 0; l < features.layers().size(); l++) {
        String name = manifest.image().patches().get(l).output();
        assertMatches(name, outputs.get(name), features.layers().get(l).values());
      }
    }
  }

  /** Recorded first 64 values within 1e-4 (relative above 1), sums within 1e-4 of abs_sum. */
  static void assertMatches(String name, JsonNode expected, float[] actual) {
    JsonNode first = expected.get("first64");
    for (int i = 0; i < first.size(); i++) {
      double v = first.get(i).asDouble();
      assertEquals(v, actual[i], 1e-4 * Math.max(1, Math.abs(v)), name + " value " + i);
    }
    double sum = 0;
    double absSum = 0;
    for (float value : actual) {
      sum += value;
      absSum += Math.abs(value);
    }
    double expectedAbs = expected.get("abs_sum").asDouble();
    assertEquals(expectedAbs, absSum, 1e-4 * expectedAbs, name + " abs_sum");
    assertEquals(expected.get("sum").asDouble(), sum, 1e-4 * expectedAbs, name + " sum");
  }
}
