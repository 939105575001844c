package io.clipline.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The committed weight-free fallback, src/models/texture-v2 (made by make_texture_v2.py), run by
 * ONNX Runtime in Java, must give what its generator recorded in reference.json (a numpy
 * implementation of the same filters, checked there against the graph), and its manifest must
 * declare one patch grid that every patch output fills.
 */
class TextureV2ContractTest {
  private static final Path FOLDER = Path.of("..", "src", "models", "texture-v2");

  @Test
  void shouldMatchTheRecordedOutputsWhenTheReferenceInputIsEncoded() throws IOException {
    JsonNode reference = new ObjectMapper().readTree(FOLDER.resolve("reference.json").toFile());
    JsonNode input = reference.get("input");
    float[] pixels = ReferenceInput.pixels(input);
    ModelManifest manifest = ModelManifest.load(FOLDER);
    assertEquals("texture-v2", manifest.name());
    assertEquals("texture", manifest.kind().id());
    assertFalse(manifest.text().isPresent(), "the texture model has no text tower");

    try (ImageEncoder encoder = ImageEncoder.open(manifest, InferenceOptions.defaults())) {
      ImageFeatures features = encoder.encode(pixels, input.get("shape").get(0).asInt());

      JsonNode outputs = reference.get("outputs");
      float[][] embeddings = features.embeddings().orElseThrow();
      TextureModelContractTest.assertMatches(
          "image_embeds", outputs.get("image_embeds"), embeddings[0]);
      assertEquals(manifest.image().patches().size(), features.layers().size());
      for (int l = 0; l < features.layers().size(); l++) {
        String name = manifest.image().patches().get(l).output();
        JsonNode shape = outputs.get(name).get("shape");
        assertEquals(manifest.image().patchCount(), shape.get(1).asInt(),
            name + ": one common patch grid");
        assertEquals(manifest.image().patches().get(l).dim(), shape.get(2).asInt(), name + " dim");
        TextureModelContractTest.assertMatches(
            name, outputs.get(name), features.layers().get(l).values());
      }
    }
  }
}
