package io.clipline.eval;

import io.clipline.scoring.DefectTypeGuess;
import io.clipline.scoring.DefectTypes;
import io.clipline.scoring.FrameFeatures;
import io.clipline.scoring.ScopeProfile;
import io.clipline.scoring.ScoringConfig;
import io.clipline.scoring.ScoringEngine;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Few-shot defect-type accuracy (docs/SCORING.md §5): for each shuffle, {@code shots} labelled regions
 * per type, drawn at random, become the few-shot examples of a fresh engine scope, and every other
 * labelled region is typed by that scope. Types with no more than {@code shots} regions leave
 * nothing to type and are left out (as examples too), so they are not counted as candidates.
 *
 * @param shots labelled regions per type added as examples
 * @param types the types evaluated (the candidates of every guess), sorted
 * @param regionsPerType labelled regions per type, the left-out types included
 * @param shuffles one entry per shuffle
 */
record TypeAccuracy(
    int shots, List<String> types, Map<String, Integer> regionsPerType, List<TypeShuffle> shuffles) {
  private static final String SCOPE = "defect-types";

  /**
   * A ground-truth region of a defective image.
   *
   * @param sample index of the image among the evaluated samples
   * @param type its defect type
   * @param feature the engine's pooled feature of the region ({@link ScoringEngine#regionFeature})
   */
  record LabelledRegion(int sample, String type, float[] feature) {}

  /**
   * One shuffle's guesses.
   *
   * @param index the shuffle
   * @param confusion {@code confusion[truth][guess]} counts over the regions typed, indices into
   *     {@link TypeAccuracy#types()}
   */
  record TypeShuffle(int index, int[][] confusion) {
    /** Regions typed. */
    int queries() {
      int n = 0;
      for (int[] row : confusion) {
        for (int c : row) {
          n += c;
        }
      }
      return n;
    }

    /** Share of regions typed correctly. */
    double accuracy() {
      int correct = 0;
      for (int t = 0; t < confusion.length; t++) {
        correct += confusion[t][t];
      }
      int n = queries();
      return n == 0 ? Double.NaN : correct / (double) n;
    }

    /** Share of the regions of type {@code t} typed as {@code t}. */
    double typeAccuracy(int t) {
      int n = 0;
      for (int c : confusion[t]) {
        n += c;
      }
      return n == 0 ? Double.NaN : confusion[t][t] / (double) n;
    }

    /** Mean over types of {@link #typeAccuracy} (balanced accuracy). */
    double meanTypeAccuracy() {
      double[] perType = new double[confusion.length];
      for (int t = 0; t < perType.length; t++) {
        perType[t] = typeAccuracy(t);
      }
      return Metrics.mean(perType);
    }
  }

  /** Accuracy of guessing uniformly among the evaluated types. */
  double chance() {
    return types.isEmpty() ? Double.NaN : 1.0 / types.size();
  }

  /**
   * Runs the protocol over {@code regions}: per shuffle a new {@link ScoringEngine} with {@code
   * config}, one scope whose profile lists the evaluated types (no zero-shot prototypes), {@code
   * shots} examples per type drawn with a seeded random order ({@code seed}, shuffle index), then
   * {@link ScoringEngine#classifyRegion} on each remaining region.
   */
  static TypeAccuracy measure(
      List<LabelledRegion> regions, int shots, int shuffles, long seed, ScoringConfig config) {
    if (shots < 1) {
      throw new IllegalArgumentException("shots: expected >= 1, got " + shots);
    }
    Map<String, List<LabelledRegion>> byType = new TreeMap<>();
    for (LabelledRegion r : regions) {
      byType.computeIfAbsent(r.type(), k -> new ArrayList<>()).add(r);
    }
    Map<String, Integer> regionsPerType = new TreeMap<>();
    List<String> types = new ArrayList<>();
    byType.forEach((type, list) -> {
      regionsPerType.put(type, list.size());
      if (list.size() > shots) {
        types.add(type);
      }
    });
    if ((long) shots * types.size() > config.maxFewShotExamples()) {
      throw new EvalException(shots + " examples for each of " + types.size() + " types exceed the"
          + " engine's few-shot cache of " + config.maxFewShotExamples() + " examples per scope");
    }
    List<TypeShuffle> runs = new ArrayList<>();
    if (!types.isEmpty()) {
      for (int s = 0; s < shuffles; s++) {
        runs.add(shuffle(s, byType, types, shots, new Random(seed * 1_000_003L + s * 7_919L), config));
      }
    }
    return new TypeAccuracy(shots, List.copyOf(types), regionsPerType, runs);
  }

  private static TypeShuffle shuffle(int index, Map<String, List<LabelledRegion>> byType,
      List<String> types, int shots, Random random, ScoringConfig config) {
    List<LabelledRegion> examples = new ArrayList<>();
    List<LabelledRegion> queries = new ArrayList<>();
    for (String type : types) {
      List<LabelledRegion> order = new ArrayList<>(byType.get(type));
      Collections.shuffle(order, random);
      examples.addAll(order.subList(0, shots));
      queries.addAll(order.subList(shots, order.size()));
    }
    ScoringEngine engine = new ScoringEngine(config);
    engine.configureScope(SCOPE, new ScopeProfile(null, DefectTypes.of(types)));
    // A scope's few-shot cache lives in the state its first frame creates; a one-patch frame
    // holding any region feature opens it (typing does not depend on the rarity memory).
    float[] opener = examples.get(0).feature();
    engine.score(SCOPE, FrameFeatures.ofPatches(1, 1, List.of(opener), 1, 1));
    for (LabelledRegion e : examples) {
      engine.addDefectExample(SCOPE, e.type(), e.feature());
    }
    int[][] confusion = new int[types.size()][types.size()];
    for (LabelledRegion q : queries) {
      DefectTypeGuess guess = engine.classifyRegion(SCOPE, q.feature());
      if (guess == null) {
        throw new IllegalStateException("no few-shot example applies to the region of sample "
            + q.sample() + " (feature dimension " + q.feature().length + ")");
      }
      confusion[types.indexOf(q.type())][types.indexOf(guess.type())]++;
    }
    return new TypeShuffle(index, confusion);
  }
}
