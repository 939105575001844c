package io.clipline.scoring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ScoringEngineTest {
  private static final int ROWS = 4;
  private static final int COLS = 4;
  private static final int[] DIMS = {16, 12};
  private static final int OUT = 16;

  /** A line that shows one product: fixed per-patch pattern plus small noise. */
  private static final class Line {
    private final Random rnd;
    private final float[][] base = new float[DIMS.length][];
    private final float[][] defect = new float[DIMS.length][];

    Line(long seed) {
      rnd = new Random(seed);
      for (int l = 0; l < DIMS.length; l++) {
        base[l] = new float[ROWS * COLS * DIMS[l]];
        for (int i = 0; i < base[l].length; i++) {
          base[l][i] = (float) rnd.nextGaussian();
        }
        defect[l] = new float[DIMS[l]];
        for (int i = 0; i < DIMS[l]; i++) {
          defect[l][i] = (float) (3 * rnd.nextGaussian());
        }
      }
    }

    FrameFeatures normal() {
      return frame(-1);
    }

    /** A frame whose patch {@code at} shows the pattern that belongs at patch {@code from}. */
    FrameFeatures swapped(int at, int from) {
      List<float[]> layers = new ArrayList<>();
      for (int l = 0; l < DIMS.length; l++) {
        float[] x = base[l].clone();
        System.arraycopy(base[l], from * DIMS[l], x, at * DIMS[l], DIMS[l]);
        for (int i = 0; i < x.length; i++) {
          x[i] += (float) (0.15 * rnd.nextGaussian());
        }
        layers.add(x);
      }
      return FrameFeatures.ofPatches(ROWS, COLS, layers, OUT, OUT);
    }

    /** A frame whose patch {@code at} shows the line's defect (never seen in normal frames). */
    FrameFeatures frame(int at) {
      List<float[]> layers = new ArrayList<>();
      for (int l = 0; l < DIMS.length; l++) {
        float[] x = base[l].clone();
        for (int i = 0; i < x.length; i++) {
          x[i] += (float) (0.15 * rnd.nextGaussian());
        }
        if (at >= 0) {
          for (int d = 0; d < DIMS[l]; d++) {
            x[at * DIMS[l] + d] = defect[l][d] + (float) (0.15 * rnd.nextGaussian());
          }
        }
        layers.add(x);
      }
      return FrameFeatures.ofPatches(ROWS, COLS, layers, OUT, OUT);
    }
  }

  @Test
  void shouldRethrowWhatAKernelThrewOnABankThreadAsItWasThrown() {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      AtomicBoolean lost = new AtomicBoolean();
      SimilarityKernel failing = (a, n, b, m, dim, out) -> {
        if (lost.get()) {
          throw new IllegalStateException("device lost on " + Thread.currentThread().getName());
        }
        SimilarityKernel.JAVA.multiplyTransposed(a, n, b, m, dim, out);
      };
      ScoringEngine engine = new ScoringEngine(config(), failing, pool);
      Line line = new Line(41);
      for (int i = 0; i < 3; i++) {
        engine.score("cam", line.normal());
      }
      lost.set(true);
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> engine.score("cam", line.normal()));
      assertTrue(e.getMessage().startsWith("device lost on pool-"), e.getMessage());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void shouldRefuseANullBankExecutor() {
    assertThrows(IllegalArgumentException.class,
        () -> new ScoringEngine(config(), SimilarityKernel.JAVA, null));
  }

  private static ScoringConfig config() {
    // Fixed Shewhart limits (OK < 2 <= UNSURE < 3 <= NG on the robust z), the default before the
    // good-part fit became it: these tests are about the engine's mechanics at known limits.
    return ScoringConfig.builder().warmupFrames(5).memory(30, 3)
        .thresholds(Thresholds.fixed(2.0, 3.0)).build();
  }

  private static FrameFeatures scaled(FrameFeatures f, float c) {
    List<float[]> layers = new ArrayList<>();
    for (float[] x : f.layers()) {
      float[] y = x.clone();
      for (int i = 0; i < y.length; i++) {
        y[i] *= c;
      }
      layers.add(y);
    }
    return FrameFeatures.ofPatches(f.rows(), f.cols(), layers, f.outputHeight(), f.outputWidth());
  }

  @Test
  void shouldReportZeroRarityAndUnsureWhenFrameIsFirstOfScope() {
    ScoringEngine e = new ScoringEngine(config());
    FrameScore s = e.score("cam1", new Line(1).normal());
    assertEquals(1, s.sequence());
    assertTrue(s.warmingUp());
    assertEquals(Judgement.UNSURE, s.verdict());
    assertTrue(s.admitted());
    assertEquals(0, s.rarity().memoryImages());
    assertArrayEquals(new float[ROWS * COLS], s.patchMap(), 0f);
    assertEquals(OUT * OUT, s.anomalyMap().length);
    assertEquals(0.0, s.rawScore(), 0);
    assertTrue(s.regions().isEmpty());
    assertNull(s.text());
  }

  static Stream<Arguments> scales() {
    return Stream.of(
        // larger features
        Arguments.of(3.7f),
        // tiny features
        Arguments.of(1e-3f),
        // identity
        Arguments.of(1f));
  }

  @ParameterizedTest
  @MethodSource("scales")
  void shouldGiveSameScoresWhenFeaturesAreScaledByConstant(float c) {
    ScoringEngine a = new ScoringEngine(config());
    ScoringEngine b = new ScoringEngine(config());
    Line line = new Line(2);
    for (int i = 0; i < 40; i++) {
      FrameFeatures f = i % 9 == 8 ? line.frame(i % 16) : line.normal();
      FrameScore sa = a.score("s", f);
      FrameScore sb = b.score("s", scaled(f, c));
      assertEquals(sa.rawScore(), sb.rawScore(), 1e-4, "raw score of frame " + i);
      assertArrayEquals(sa.patchMap(), sb.patchMap(), 1e-4f, "patch map of frame " + i);
    }
  }

  @Test
  void shouldKeepMemoryWithinCapsWhenStreamIsLong() {
    ScoringEngine e = new ScoringEngine(config());
    Line line = new Line(3);
    Random r = new Random(4);
    for (int i = 0; i < 250; i++) {
      e.score("s", r.nextInt(10) == 0 ? line.frame(r.nextInt(16)) : line.normal());
      ScopeStats st = e.stats("s");
      for (int b = 0; b < st.prototypes().length; b++) {
        assertTrue(st.prototypes()[b] <= st.prototypeCap(), "prototypes, frame " + i);
        assertTrue(st.imageRows()[b] <= st.maxImageRows(), "rows, frame " + i);
      }
      assertTrue(st.scoreHistory() <= config().normalizationWindow());
    }
    ScopeStats st = e.stats("s");
    assertEquals(4, st.prototypes().length);
    assertEquals(3 * ROWS * COLS, st.prototypes()[0]);
    assertEquals(30, st.imageRows()[0]);
  }

  @Test
  void shouldScoreIdenticallyWhenScopeIsRestoredFromSnapshot() {
    ScoringEngine a = new ScoringEngine(config());
    Line line = new Line(5);
    for (int i = 0; i < 45; i++) {
      a.score("s", i % 7 == 6 ? line.frame(3) : line.normal());
    }
    a.setThresholds("s", Thresholds.fixed(1.5, 2.5));
    a.addDefectExample("s", "scratch", new float[] {1, 0, 0, 0, 0});
    byte[] snap = a.snapshot("s");
    ScoringEngine b = new ScoringEngine(config());
    b.restore("s", snap);
    assertArrayEquals(snap, b.snapshot("s"));
    for (int i = 0; i < 25; i++) {
      FrameFeatures f = i % 5 == 4 ? line.frame(i % 16) : line.normal();
      FrameScore sa = a.score("s", f);
      FrameScore sb = b.score("s", f);
      assertEquals(sa.sequence(), sb.sequence());
      assertEquals(sa.rawScore(), sb.rawScore(), 0.0);
      assertEquals(sa.normalizedScore(), sb.normalizedScore(), 0.0);
      assertEquals(sa.verdict(), sb.verdict());
      assertArrayEquals(sa.anomalyMap(), sb.anomalyMap(), 0f);
    }
    assertEquals(Thresholds.fixed(1.5, 2.5), b.thresholds("s"));
  }

  @Test
  void shouldFlagAPatternOutOfPlaceOnlyWithPositionalRarity() {
    // The corner shows the opposite corner's pattern: normal for the line, wrong for the place.
    double positional = outOfPlaceLift(config());
    double positionFree = outOfPlaceLift(config().toBuilder().positionalWeight(0).build());
    assertTrue(
        positional > 3 * positionFree && positional > 0.1,
        "raw-score lift over normal frames, positional " + positional + ", position-free "
            + positionFree);
  }

  /** Raw score of an out-of-place frame less the median of the normal frames before it. */
  private static double outOfPlaceLift(ScoringConfig c) {
    ScoringEngine e = new ScoringEngine(c);
    Line line = new Line(11);
    double[] normal = new double[40];
    for (int i = 0; i < normal.length; i++) {
      normal[i] = e.score("s", line.normal()).rawScore();
    }
    double[] recent = java.util.Arrays.copyOfRange(normal, 20, 40);
    java.util.Arrays.sort(recent);
    return e.score("s", line.swapped(0, ROWS * COLS - 1)).rawScore() - recent[10];
  }

  @Test
  void shouldScoreAGoodVariantLowerOnceItsReviewedRejectsAreLearned() {
    ScoringEngine reviewed = new ScoringEngine(config());
    ScoringEngine unreviewed = new ScoringEngine(config());
    Line line = new Line(13);
    for (int i = 0; i < 30; i++) {
      FrameFeatures f = line.normal();
      reviewed.score("s", f);
      unreviewed.score("s", f);
    }
    // A good variant the line had not shown before: rejected, so never learned by itself.
    FrameFeatures variant = line.frame(5);
    FrameScore r = null;
    FrameScore u = null;
    for (int i = 0; i < 8; i++) {
      r = reviewed.score("s", variant);
      u = unreviewed.score("s", variant);
      assertEquals(Judgement.NG, u.verdict(), "without labels the variant stays rejected");
      if (r.verdict() == Judgement.NG) {
        assertFalse(r.admitted());
        assertTrue(reviewed.learnGood("s", r.sequence(), variant));
        assertFalse(reviewed.learnGood("s", r.sequence(), variant), "the memory holds it now");
      }
    }
    // One learned frame is one of the rows whose top 10 % decide, so it takes a few reviews.
    assertTrue(r.rawScore() < 0.5 * u.rawScore(),
        "raw score after 8 reviewed rejects " + r.rawScore() + ", unreviewed " + u.rawScore());
    FrameFeatures same = variant;
    assertThrows(IllegalArgumentException.class, () -> reviewed.learnGood("s", 999, same));
  }

  @Test
  void shouldAddPositionalMemoryToAStateSnapshottedWithoutIt() {
    ScoringEngine off = new ScoringEngine(config().toBuilder().positionalWeight(0).build());
    Line line = new Line(12);
    for (int i = 0; i < 30; i++) {
      off.score("s", line.normal());
    }
    ScoringEngine on = new ScoringEngine(config());
    on.restore("s", off.snapshot("s"));
    on.score("s", line.normal()); // gains empty positional banks, then learns this frame
    ScoringEngine again = new ScoringEngine(config());
    again.restore("s", on.snapshot("s"));
    FrameFeatures f = line.swapped(0, ROWS * COLS - 1);
    assertEquals(on.score("s", f).rawScore(), again.score("s", f).rawScore(), 0.0);
  }

  @Test
  void shouldRejectSnapshotWhenBytesAreNotASnapshot() {
    ScoringEngine e = new ScoringEngine(config());
    IllegalArgumentException x =
        assertThrows(IllegalArgumentException.class, () -> e.restore("s", new byte[] {1, 2, 3, 4}));
    assertTrue(x.getMessage().contains("not a Clipline scope snapshot"), x.getMessage());
  }

  @Test
  void shouldJudgeOkWithZeroScoreWhenAllFeaturesAreEqual() {
    ScoringEngine e = new ScoringEngine(config());
    List<float[]> layers = new ArrayList<>();
    for (int d : DIMS) {
      float[] x = new float[ROWS * COLS * d];
      java.util.Arrays.fill(x, 0.5f);
      layers.add(x);
    }
    FrameFeatures f = FrameFeatures.ofPatches(ROWS, COLS, layers, OUT, OUT);
    FrameScore s = null;
    for (int i = 0; i < 8; i++) {
      s = e.score("s", f);
    }
    assertEquals(0.0, s.rawScore(), 1e-6);
    assertEquals(0.0, s.normalizedScore(), 1e-6);
    assertEquals(Judgement.OK, s.verdict());
  }

  @Test
  void shouldFlagDefectAndKeepItOutOfMemoryWhenFrameIsJudgedNg() {
    ScoringEngine e = new ScoringEngine(config());
    Line line = new Line(6);
    for (int i = 0; i < 30; i++) {
      e.score("s", line.normal());
    }
    int rowsBefore = e.stats("s").imageRows()[0];
    FrameScore s = e.score("s", line.frame(1 * COLS + 2));
    assertEquals(Judgement.NG, s.verdict());
    assertFalse(s.admitted());
    assertEquals(rowsBefore, e.stats("s").imageRows()[0]);
    assertFalse(s.regions().isEmpty());
    MapRegion r = s.regions().get(0);
    // patch (1, 2) covers map pixels rows 4..7, cols 8..11
    assertTrue(r.top() <= 5 && r.bottom() >= 6 && r.left() <= 9 && r.right() >= 10, r.toString());
    assertEquals(DIMS[1], r.feature().length);
    assertNull(r.defectType());
    FrameScore next = e.score("s", line.normal());
    assertTrue(next.verdict() != Judgement.NG, next.verdict().toString());
  }

  @Test
  void shouldForgetFrameWhenOperatorLabelsItNg() {
    ScoringEngine e = new ScoringEngine(config());
    Line line = new Line(7);
    FrameScore first = null;
    for (int i = 0; i < 10; i++) {
      FrameScore s = e.score("s", line.normal());
      first = first == null ? s : first;
    }
    assertEquals(10, e.stats("s").imageRows()[0]);
    assertTrue(e.label("s", first.sequence(), Judgement.NG));
    assertEquals(9, e.stats("s").imageRows()[0]);
    assertFalse(e.label("s", first.sequence(), Judgement.OK));
  }

  @Test
  void shouldProtectSeedPrototypesWhenSeedingWithKnownGoodImages() {
    ScoringEngine e = new ScoringEngine(config());
    Line line = new Line(8);
    e.seed("s", line.normal());
    for (int i = 0; i < 60; i++) {
      e.score("s", line.normal());
    }
    ScopeStats st = e.stats("s");
    assertEquals(ROWS * COLS, st.protectedPrototypes()[0]);
    assertEquals(61, st.frames());
  }

  @Test
  void shouldFollowNewThresholdsWhenChangedAtRunTime() {
    ScoringEngine e = new ScoringEngine(config());
    Line line = new Line(9);
    for (int i = 0; i < 20; i++) {
      e.score("s", line.normal());
    }
    e.setThresholds("s", Thresholds.fixed(-1e9, 1e9));
    assertEquals(Judgement.UNSURE, e.score("s", line.normal()).verdict());
    e.setThresholds("s", Thresholds.fixed(1e9, 1e9));
    assertEquals(Judgement.OK, e.score("s", line.normal()).verdict());
    e.setThresholds("s", Thresholds.fixed(-1e9, -1e9));
    assertEquals(Judgement.NG, e.score("s", line.normal()).verdict());
  }

  @Test
  void shouldRejectAboutTheTargetRateWhenThresholdFollowsFalseRejectRate() {
    ScoringEngine e =
        new ScoringEngine(
            config().toBuilder()
                .normalizationWindow(100)
                .thresholds(Thresholds.forFalseRejectRate(0.1, 0.5))
                .build());
    Line line = new Line(10);
    for (int i = 0; i < 100; i++) {
      e.score("s", line.normal()); // past the early drift of a filling memory
    }
    int ng = 0;
    int frames = 400;
    for (int i = 0; i < frames; i++) {
      if (e.score("s", line.normal()).verdict() == Judgement.NG) {
        ng++;
      }
    }
    // The NG limit is the fitted good-part quantile: on a stream of good frames it rejects at most
    // about the target rate (here 10 %), and fewer where the scores' upper tail is lighter than
    // the fitted Gumbel law's (ThresholdPolicyTest holds it to the target on a Gumbel stream).
    assertTrue(ng < 0.15 * frames, "NG frames: " + ng);
  }

  @Test
  void shouldKeepScopesApartWhenTwoProductsInterleave() {
    ScoringEngine mixed = new ScoringEngine(config());
    ScoringEngine alone = new ScoringEngine(config());
    Line a = new Line(11);
    Line b = new Line(12);
    for (int i = 0; i < 20; i++) {
      FrameFeatures fa = a.normal();
      mixed.score("b", b.normal());
      assertEquals(alone.score("a", fa).rawScore(), mixed.score("a", fa).rawScore(), 0.0);
    }
  }

  @Test
  void shouldFuseTextAndTypeRegionsWhenProfileHasThem() {
    ScoringEngine e = new ScoringEngine(config());
    float[] tn = new float[DIMS[1]];
    float[] ta = new float[DIMS[1]];
    tn[0] = 1;
    ta[1] = 1;
    e.configureScope(
        "s",
        new ScopeProfile(
            new TextBranch(tn, ta, 1, null), DefectTypes.of(List.of("scratch", "dent"))));
    Line line = new Line(13);
    FrameScore first = e.score("s", line.normal());
    assertTrue(Double.isNaN(first.text().imageProbability()));
    assertArrayEquals(first.text().patchMap(), first.patchMap(), 0f); // frame 1: text only
    for (int i = 0; i < 30; i++) {
      e.score("s", line.normal());
    }
    FrameScore ng = e.score("s", line.frame(5));
    assertEquals(Judgement.NG, ng.verdict());
    float[] feature = ng.regions().get(0).feature();
    e.addDefectExample("s", "dent", feature);
    FrameScore again = e.score("s", line.frame(5));
    MapRegion r = again.regions().get(0);
    assertEquals("dent", r.defectType());
    assertEquals("scratch", r.runnerUp());
    assertTrue(r.confidence() > 0.5 && r.confidence() + r.runnerUpConfidence() > 0.999);
  }

  @Test
  void shouldPoolNormalisedLastLayerPatchesWhenGivenARegionMask() {
    FrameFeatures f = new Line(14).normal();
    float[] last = f.layers().get(1);
    int d = DIMS[1];
    boolean[] onePatch = new boolean[OUT * OUT];
    boolean[] twoPatches = new boolean[OUT * OUT];
    for (int y = 4; y < 8; y++) {
      for (int x = 8; x < 12; x++) {
        onePatch[y * OUT + x] = true; // patch (1, 2) only, all 16 of its pixels
      }
    }
    twoPatches[0] = true; // patch (0, 0)
    twoPatches[4] = true; // patch (0, 1)
    twoPatches[5] = true; // patch (0, 1) again: counted once
    float[] p12 = unit(last, (1 * COLS + 2) * d, d);
    float[] p00 = unit(last, 0, d);
    float[] p01 = unit(last, d, d);
    float[] sum = new float[d];
    for (int i = 0; i < d; i++) {
      sum[i] = p00[i] + p01[i];
    }
    assertArrayEquals(p12, ScoringEngine.regionFeature(f, onePatch), 1e-6f);
    assertArrayEquals(unit(sum, 0, d), ScoringEngine.regionFeature(f, twoPatches), 1e-6f);
  }

  @Test
  void shouldRefuseRegionFeatureWhenMaskIsEmptyOrMisshaped() {
    FrameFeatures f = new Line(15).normal();
    assertThrows(IllegalArgumentException.class,
        () -> ScoringEngine.regionFeature(f, new boolean[OUT * OUT]));
    assertThrows(IllegalArgumentException.class,
        () -> ScoringEngine.regionFeature(f, new boolean[OUT]));
  }

  @Test
  void shouldTypeAFeatureAsItsRegionWasTypedWhenClassifiedDirectly() {
    ScoringEngine e = new ScoringEngine(config());
    e.configureScope("s", new ScopeProfile(null, DefectTypes.of(List.of("scratch", "dent"))));
    Line line = new Line(16);
    for (int i = 0; i < 30; i++) {
      e.score("s", line.normal());
    }
    e.addDefectExample("s", "dent", e.score("s", line.frame(5)).regions().get(0).feature());
    e.addDefectExample("s", "scratch", unit(line.normal().layers().get(1), 0, DIMS[1]));
    MapRegion r = e.score("s", line.frame(5)).regions().get(0);
    DefectTypeGuess g = e.classifyRegion("s", r.feature());
    assertEquals(new DefectTypeGuess(r.defectType(), r.confidence(), r.runnerUp(),
        r.runnerUpConfidence()), g);
    assertEquals("dent", g.type());
  }

  private static float[] unit(float[] x, int offset, int dim) {
    float[] v = Arrays.copyOfRange(x, offset, offset + dim);
    double ss = 0;
    for (float a : v) {
      ss += a * a;
    }
    for (int i = 0; i < dim; i++) {
      v[i] /= (float) Math.sqrt(ss);
    }
    return v;
  }

  static Stream<Arguments> invalidInputs() {
    float[] ok = new float[16 * 3];
    return Stream.of(
        // no layers at all
        Arguments.of((Supplier<Object>) () -> FrameFeatures.ofPatches(4, 4, List.of(), 8, 8), "FrameFeatures.layers must hold at least one"),
        // empty layer
        Arguments.of((Supplier<Object>) () -> FrameFeatures.ofPatches(4, 4, List.of(new float[0]), 8, 8), "got 0 values"),
        // length not a multiple of the patch count
        Arguments.of((Supplier<Object>) () -> FrameFeatures.ofPatches(4, 4, List.of(new float[17]), 8, 8), "rows*cols*dim"),
        // empty grid
        Arguments.of((Supplier<Object>) () -> FrameFeatures.ofPatches(0, 4, List.of(ok), 8, 8), "FrameFeatures.rows"),
        // zero-size output map
        Arguments.of((Supplier<Object>) () -> FrameFeatures.ofPatches(4, 4, List.of(ok), 0, 8), "outputHeight"),
        // NaN feature value
        Arguments.of((Supplier<Object>) () -> FrameFeatures.ofPatches(4, 4, List.of(nan(ok)), 8, 8), "must be finite"),
        // blank scope
        Arguments.of((Supplier<Object>) () -> new ScoringEngine(config()).score(" ", FrameFeatures.ofPatches(4, 4, List.of(ok), 8, 8)), "scope must be a non-blank"),
        // unknown scope for a snapshot
        Arguments.of((Supplier<Object>) () -> new ScoringEngine(config()).snapshot("nope"), "unknown scope 'nope'"),
        // grid changes within a scope
        Arguments.of((Supplier<Object>) () -> twoGrids(), "expects a 4x4 grid"));
  }

  private static float[] nan(float[] x) {
    float[] y = x.clone();
    y[5] = Float.NaN;
    return y;
  }

  private static Object twoGrids() {
    ScoringEngine e = new ScoringEngine(config());
    e.score("s", FrameFeatures.ofPatches(4, 4, List.of(new float[16 * 3]), 8, 8));
    return e.score("s", FrameFeatures.ofPatches(2, 8, List.of(new float[16 * 3]), 8, 8));
  }

  @ParameterizedTest
  @MethodSource("invalidInputs")
  void shouldRejectWithClearMessageWhenInputIsInvalid(Supplier<Object> call, String fragment) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::get);
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }

  /** The line's frames with every patch shifted by one vector: the whole image looks different. */
  private static FrameFeatures shiftedWhole(Line line, float by) {
    FrameFeatures f = line.normal();
    List<float[]> layers = new ArrayList<>();
    for (float[] x : f.layers()) {
      float[] y = x.clone();
      for (int i = 0; i < y.length; i += 2) {
        y[i] += by;
      }
      layers.add(y);
    }
    return FrameFeatures.ofPatches(f.rows(), f.cols(), layers, f.outputHeight(), f.outputWidth());
  }

  @Test
  void shouldAddImageRarityToTheScoreWhenTheWholeImageDiffersFromRecentOnes() {
    ScoringEngine on = new ScoringEngine(config());
    ScoringEngine off = new ScoringEngine(config().toBuilder().imageRarityWeight(0).build());
    Line a = new Line(21);
    Line b = new Line(21);
    FrameScore first = on.score("cam1", a.normal());
    off.score("cam1", b.normal());
    assertEquals(0.0, first.rarity().imageRarity(), 0.0, "nothing to compare with yet");
    FrameScore usualOn = null;
    FrameScore usualOff = null;
    for (int i = 0; i < 20; i++) {
      usualOn = on.score("cam1", a.normal());
      usualOff = off.score("cam1", b.normal());
    }
    FrameScore oddOn = on.score("cam1", shiftedWhole(a, 2f));
    FrameScore oddOff = off.score("cam1", shiftedWhole(b, 2f));
    // One feature per image is calibrated by its own nearest neighbours (docs/SCORING.md §3 applied
    // to N = 1), so the term stays small; it must still rank the odd image above usual ones.
    assertTrue(oddOn.rarity().imageRarity() > 2 * usualOn.rarity().imageRarity(),
        "a different image is rarer: " + oddOn.rarity().imageRarity() + " vs usual "
            + usualOn.rarity().imageRarity());
    // Same features (same seeds), so the engines differ only by the weighted image term.
    assertEquals(usualOff.rawScore() + usualOn.rarity().imageRarity(), usualOn.rawScore(), 1e-6);
    assertEquals(oddOff.rawScore() + oddOn.rarity().imageRarity(), oddOn.rawScore(), 1e-6);
    assertEquals(oddOn.rarity().imageRarity(), oddOff.rarity().imageRarity(), 1e-9,
        "weight 0 still measures the term, it only leaves it out of the score");
  }
}
