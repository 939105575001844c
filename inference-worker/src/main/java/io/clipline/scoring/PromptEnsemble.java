package io.clipline.scoring;

import io.clipline.scoring.internal.Vectors;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the prompt sentences of the zero-shot text branch (7 normal states x 5 anomalous states x
 * photo templates x product noun) for the model runtime to embed, and turns the embeddings back
 * into class prototypes. Immutable.
 */
public final class PromptEnsemble {
  /** The seven normal state phrases; {@code {}} is the noun. */
  public static final List<String> NORMAL_STATES =
      List.of(
          "{}", "flawless {}", "perfect {}", "unblemished {}", "{} without flaw",
          "{} without defect", "{} without damage");

  /** The five anomalous state phrases. */
  public static final List<String> ANOMALOUS_STATES =
      List.of("damaged {}", "broken {}", "{} with flaw", "{} with defect", "{} with damage");

  /** Default photo templates (WinCLIP-style). */
  public static final List<String> DEFAULT_TEMPLATES =
      List.of(
          "a cropped photo of the {}.", "a cropped photo of a {}.", "a close-up photo of a {}.",
          "a close-up photo of the {}.", "a bright photo of a {}.", "a bright photo of the {}.",
          "a dark photo of the {}.", "a dark photo of a {}.", "a jpeg corrupted photo of a {}.",
          "a jpeg corrupted photo of the {}.", "a blurry photo of the {}.",
          "a blurry photo of a {}.", "a photo of a {}.", "a photo of the {}.",
          "a photo of a small {}.", "a photo of the small {}.", "a photo of a large {}.",
          "a photo of the large {}.", "a photo of the {} for visual inspection.",
          "a photo of a {} for visual inspection.", "a photo of the {} for anomaly detection.",
          "a photo of a {} for anomaly detection.");

  private final List<String> templates;

  /** Ensemble over the given templates, each containing {@code {}} once. */
  public PromptEnsemble(List<String> templates) {
    if (templates == null || templates.isEmpty()) {
      throw new IllegalArgumentException("PromptEnsemble.templates must not be empty");
    }
    for (String t : templates) {
      if (t == null || !t.contains("{}")) {
        throw new IllegalArgumentException(
            "PromptEnsemble.templates entries must contain {}, got " + t);
      }
    }
    this.templates = List.copyOf(templates);
  }

  /** Ensemble over {@link #DEFAULT_TEMPLATES}. */
  public static PromptEnsemble standard() {
    return new PromptEnsemble(DEFAULT_TEMPLATES);
  }

  /** All normal sentences for a product noun ("object", "texture", "magnetic tile"). */
  public List<String> normalPrompts(String noun) {
    return expand(NORMAL_STATES, noun);
  }

  /** All anomalous sentences for a product noun. */
  public List<String> anomalousPrompts(String noun) {
    return expand(ANOMALOUS_STATES, noun);
  }

  /** Sentences for one defect type, e.g. ("magnetic tile", "crack"). */
  public List<String> defectTypePrompts(String noun, String type) {
    return expand(List.of("{} with " + type.replace("{}", "")), noun);
  }

  private List<String> expand(List<String> states, String noun) {
    if (noun == null || noun.isBlank()) {
      throw new IllegalArgumentException("prompt noun must not be blank");
    }
    List<String> out = new ArrayList<>(states.size() * templates.size());
    for (String s : states) {
      String phrase = s.replace("{}", noun);
      for (String t : templates) {
        out.add(t.replace("{}", phrase));
      }
    }
    return out;
  }

  /** Class prototype: L2-normalise(mean of L2-normalised sentence embeddings). */
  public static float[] prototype(List<float[]> embeddings) {
    if (embeddings == null || embeddings.isEmpty()) {
      throw new IllegalArgumentException("prototype needs at least one embedding, got none");
    }
    int d = embeddings.get(0).length;
    float[] sum = new float[d];
    for (float[] e : embeddings) {
      if (e.length != d) {
        throw new IllegalArgumentException(
            "embeddings must share one dimension, got " + d + " and " + e.length);
      }
      float[] n = Vectors.normalized(e);
      for (int i = 0; i < d; i++) {
        sum[i] += n[i];
      }
    }
    return Vectors.normalized(sum);
  }
}
