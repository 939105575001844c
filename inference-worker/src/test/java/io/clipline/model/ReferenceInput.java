package io.clipline.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The input every generated model folder's {@code reference.json} records its outputs for:
 * {@code (float) sin(0.001 * i)} over the flat index of the recorded shape.
 */
final class ReferenceInput {
  private ReferenceInput() {}

  /** The pixels of {@code input} (the reference's {@code input} node), after checking its rule. */
  static float[] pixels(JsonNode input) {
    assertTrue(input.get("formula").asText().startsWith("input[i] = sin(0.001 * i)"),
        "reference input rule changed: " + input.get("formula"));
    int size = 1;
    for (JsonNode dim : input.get("shape")) {
      size *= dim.asInt();
    }
    float[] pixels = new float[size];
    for (int i = 0; i < size; i++) {
      pixels[i] = (float) Math.sin(0.001 * i);
    }
    return pixels;
  }
}
