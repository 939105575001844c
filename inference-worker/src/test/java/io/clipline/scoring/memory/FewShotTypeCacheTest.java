package io.clipline.scoring.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.clipline.scoring.DefectTypeGuess;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FewShotTypeCacheTest {
  @Test
  void shouldPickNearestLabelledTypeWhenOnlyFewShotExamplesExist() {
    FewShotTypeCache c = new FewShotTypeCache(10);
    c.add("crack", new float[] {1, 0});
    c.add("blowhole", new float[] {0, 1});
    DefectTypeGuess g =
        c.classify(new float[] {1, 0}, List.of("crack", "blowhole"), Map.of(), 100, 32, 0.11);
    // logits: crack exp(0)/0.11 = 9.09, blowhole exp(-32)/0.11 ~ 0
    double p = 1 / (1 + Math.exp(-(1 / 0.11 - Math.exp(-32) / 0.11)));
    assertEquals("crack", g.type());
    assertEquals(p, g.confidence(), 1e-9);
    assertEquals("blowhole", g.runnerUp());
    assertEquals(1 - p, g.runnerUpConfidence(), 1e-9);
  }

  @Test
  void shouldUseZeroShotPrototypesWhenNoExamplesExist() {
    FewShotTypeCache c = new FewShotTypeCache(10);
    DefectTypeGuess g =
        c.classify(
            new float[] {0.6f, 0.8f}, List.of("a", "b"),
            Map.of("a", new float[] {1, 0}, "b", new float[] {0, 1}), 10, 32, 0.11);
    double p = 1 / (1 + Math.exp(-10 * (0.8 - 0.6)));
    assertEquals("b", g.type());
    assertEquals(p, g.confidence(), 1e-6);
  }

  @Test
  void shouldReturnNullWhenNoSourceApplies() {
    FewShotTypeCache c = new FewShotTypeCache(10);
    c.add("other", new float[] {1, 0});
    assertNull(c.classify(new float[] {1, 0}, List.of("crack"), Map.of(), 100, 32, 0.11));
  }

  @Test
  void shouldDropOldestExampleWhenFull() {
    FewShotTypeCache c = new FewShotTypeCache(2);
    c.add("a", new float[] {1, 0});
    c.add("b", new float[] {0, 1});
    c.add("b", new float[] {0, 1});
    assertEquals(2, c.size());
    assertEquals(
        "b", c.classify(new float[] {1, 0}, List.of("a", "b"), Map.of(), 100, 32, 0.11).type());
  }
}
