package io.clipline.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clipline.eval.TypeAccuracy.LabelledRegion;
import io.clipline.eval.TypeAccuracy.TypeShuffle;
import io.clipline.scoring.ScoringConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EvalTypeAccuracyTest {
  private static final ScoringConfig CONFIG = ScoringConfig.defaults();

  /** {@code n} regions of {@code type} at unit axis {@code axis} of 4 dims, plus small noise. */
  private static List<LabelledRegion> around(String type, int axis, int n, Random noise) {
    List<LabelledRegion> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      float[] f = new float[4];
      f[axis] = 1;
      for (int d = 0; d < f.length; d++) {
        f[d] += (float) (0.05 * noise.nextGaussian());
      }
      out.add(new LabelledRegion(axis * 100 + i, type, f));
    }
    return out;
  }

  private static List<LabelledRegion> separable() {
    Random noise = new Random(3);
    List<LabelledRegion> regions = new ArrayList<>(around("crack", 0, 6, noise));
    regions.addAll(around("hole", 1, 6, noise));
    return regions;
  }

  @Test
  void shouldTypeEveryRegionCorrectlyWhenTypesAreSeparable() {
    TypeAccuracy t = TypeAccuracy.measure(separable(), 2, 3, 1, CONFIG);
    assertEquals(List.of("crack", "hole"), t.types());
    assertEquals(0.5, t.chance(), 0.0);
    assertEquals(3, t.shuffles().size());
    for (TypeShuffle s : t.shuffles()) {
      // 6 regions per type, 2 of them examples: 4 typed per type
      assertArrayEquals(new int[] {4, 0}, s.confusion()[0]);
      assertArrayEquals(new int[] {0, 4}, s.confusion()[1]);
      assertEquals(1.0, s.accuracy(), 0.0);
      assertEquals(1.0, s.meanTypeAccuracy(), 0.0);
    }
  }

  @Test
  void shouldScoreLowerWhenLabelsAreShuffled() {
    List<LabelledRegion> regions = separable();
    List<String> labels = new ArrayList<>(regions.stream().map(LabelledRegion::type).toList());
    Collections.shuffle(labels, new Random(5));
    List<LabelledRegion> shuffled = new ArrayList<>();
    for (int i = 0; i < regions.size(); i++) {
      shuffled.add(new LabelledRegion(i, labels.get(i), regions.get(i).feature()));
    }
    TypeAccuracy t = TypeAccuracy.measure(shuffled, 2, 5, 1, CONFIG);
    double mean = Metrics.mean(t.shuffles().stream().mapToDouble(TypeShuffle::accuracy).toArray());
    assertTrue(mean < 0.8, "labels unrelated to the features: accuracy near chance, got " + mean);
  }

  @Test
  void shouldGiveChanceWhenEveryTypeHasTheSameFeature() {
    // Identical features: equal logits, the tie goes to the first type, so one of two is right.
    List<LabelledRegion> regions = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      regions.add(new LabelledRegion(i, i % 2 == 0 ? "a" : "b", new float[] {1, 0}));
    }
    TypeShuffle s = TypeAccuracy.measure(regions, 1, 1, 1, CONFIG).shuffles().get(0);
    assertArrayEquals(new int[] {2, 0}, s.confusion()[0]);
    assertArrayEquals(new int[] {2, 0}, s.confusion()[1]);
    assertEquals(0.5, s.accuracy(), 0.0);
    assertEquals(1.0, s.typeAccuracy(0), 0.0);
    assertEquals(0.0, s.typeAccuracy(1), 0.0);
  }

  @Test
  void shouldLeaveOutTypesWithNoMoreRegionsThanShotsWhenMeasuring() {
    Random noise = new Random(4);
    List<LabelledRegion> regions = new ArrayList<>(around("crack", 0, 3, noise));
    regions.addAll(around("fray", 1, 2, noise));
    regions.addAll(around("hole", 2, 3, noise));
    TypeAccuracy t = TypeAccuracy.measure(regions, 2, 1, 1, CONFIG);
    assertEquals(List.of("crack", "hole"), t.types());
    assertEquals(Map.of("crack", 3, "fray", 2, "hole", 3), t.regionsPerType());
    assertEquals(2, t.shuffles().get(0).queries());
  }

  @Test
  void shouldDrawTheSameExamplesWhenSeedRepeatsAndOthersPerShuffle() {
    List<LabelledRegion> regions = new ArrayList<>();
    Random features = new Random(9);
    for (int i = 0; i < 40; i++) {
      float[] f = new float[8];
      for (int d = 0; d < f.length; d++) {
        f[d] = (float) features.nextGaussian();
      }
      regions.add(new LabelledRegion(i, i % 2 == 0 ? "a" : "b", f));
    }
    TypeAccuracy first = TypeAccuracy.measure(regions, 3, 4, 7, CONFIG);
    TypeAccuracy again = TypeAccuracy.measure(regions, 3, 4, 7, CONFIG);
    for (int s = 0; s < 4; s++) {
      assertTrue(Arrays.deepEquals(first.shuffles().get(s).confusion(),
          again.shuffles().get(s).confusion()), "shuffle " + s);
    }
    long distinct = first.shuffles().stream()
        .map(s -> Arrays.deepToString(s.confusion())).distinct().count();
    assertNotEquals(1L, distinct, "random features: different examples give different confusions");
  }

  @Test
  void shouldRefuseWhenExamplesWouldOverflowTheFewShotCache() {
    // 2 types x 5 shots = 10 examples > a cache of 8: the oldest would be dropped silently
    ScoringConfig small = CONFIG.toBuilder().maxFewShotExamples(8).build();
    assertThrows(EvalException.class, () -> TypeAccuracy.measure(separable(), 5, 1, 1, small));
  }

  @Test
  void shouldRefuseWhenShotsAreZero() {
    assertThrows(IllegalArgumentException.class,
        () -> TypeAccuracy.measure(separable(), 0, 1, 1, CONFIG));
  }
}
