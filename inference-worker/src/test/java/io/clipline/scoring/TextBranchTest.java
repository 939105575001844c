package io.clipline.scoring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TextBranchTest {
  private static final TextBranch BRANCH =
      new TextBranch(new float[] {1, 0}, new float[] {0, 1}, 10, null);

  static Stream<Arguments> images() {
    return Stream.of(
        // aligned with "anomalous"
        Arguments.of(new float[] {0, 1}, 1 / (1 + Math.exp(-10))),
        // aligned with "normal"
        Arguments.of(new float[] {3, 0}, 1 / (1 + Math.exp(10))),
        // halfway: 0.5
        Arguments.of(new float[] {1, 1}, 0.5),
        // scale of the embedding does not matter
        Arguments.of(new float[] {0, 250}, 1 / (1 + Math.exp(-10))));
  }

  @ParameterizedTest
  @MethodSource("images")
  void shouldGiveSoftmaxProbabilityWhenEmbeddingIsGiven(float[] e, double want) {
    assertEquals(want, BRANCH.imageProbability(e), 1e-6);
  }

  @Test
  void shouldReturnNanWhenFrameHasNoEmbedding() {
    assertTrue(Double.isNaN(BRANCH.imageProbability(null)));
  }

  @Test
  void shouldScorePatchesWhenTokensShareTheTextDimension() {
    FrameFeatures f = FrameFeatures.ofPatches(1, 2, List.of(new float[] {0, 1, 1, 1}), 2, 2);
    assertArrayEquals(
        new float[] {(float) (1 / (1 + Math.exp(-10))), 0.5f}, BRANCH.patchProbabilities(f), 1e-6f);
  }

  @Test
  void shouldSkipPatchTermWhenDimsDifferAndNoProjectionExists() {
    FrameFeatures f = FrameFeatures.ofPatches(1, 1, List.of(new float[] {1, 2, 3}), 2, 2);
    assertNull(BRANCH.patchProbabilities(f));
  }

  @Test
  void shouldUseProjectionWhenGiven() {
    // projects (1, 0, 0) to (0, 1): the anomalous direction
    PatchProjection swap = (layer, t, p, d) -> new float[] {t[1], t[0]};
    TextBranch b = new TextBranch(new float[] {1, 0}, new float[] {0, 1}, 10, swap);
    FrameFeatures f = FrameFeatures.ofPatches(1, 1, List.of(new float[] {1, 0, 0}), 2, 2);
    assertArrayEquals(
        new float[] {(float) (1 / (1 + Math.exp(-10)))}, b.patchProbabilities(f), 1e-6f);
  }

  @Test
  void shouldRejectPrototypesWhenLengthsDiffer() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new TextBranch(new float[] {1, 0}, new float[] {1}, 10, null));
    assertTrue(e.getMessage().contains("same length"), e.getMessage());
  }

  @Test
  void shouldBuildAllStateTemplateSentencesWhenNounIsGiven() {
    PromptEnsemble p = PromptEnsemble.standard();
    List<String> normal = p.normalPrompts("magnetic tile");
    List<String> anomalous = p.anomalousPrompts("magnetic tile");
    int templates = PromptEnsemble.DEFAULT_TEMPLATES.size();
    assertEquals(7 * templates, normal.size());
    assertEquals(5 * templates, anomalous.size());
    assertEquals("a cropped photo of the magnetic tile.", normal.get(0));
    assertTrue(anomalous.contains("a photo of the magnetic tile with defect for visual inspection."));
  }

  @Test
  void shouldAverageNormalisedEmbeddingsWhenBuildingPrototype() {
    float[] proto = PromptEnsemble.prototype(List.of(new float[] {2, 0}, new float[] {0, 5}));
    assertArrayEquals(new float[] {(float) Math.sqrt(0.5), (float) Math.sqrt(0.5)}, proto, 1e-6f);
  }
}
