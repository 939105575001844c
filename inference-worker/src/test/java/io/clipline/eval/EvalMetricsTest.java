package io.clipline.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EvalMetricsTest {
  private static final double TOL = 1e-9;

  static Stream<Arguments> aurocCases() {
    return Stream.of(
        // perfect separation
        Arguments.of(new double[] {0.9, 0.8, 0.2, 0.1}, new boolean[] {true, true, false, false}, 1.0),
        // inverted
        Arguments.of(new double[] {0.1, 0.2, 0.8, 0.9}, new boolean[] {true, true, false, false}, 0.0),
        // one tie across classes counts half: (1 + 1 + 0.5 + 1) / 4
        Arguments.of(new double[] {0.8, 0.5, 0.5, 0.2}, new boolean[] {true, true, false, false}, 0.875),
        // all equal: every pair a tie
        Arguments.of(new double[] {3, 3, 3, 3, 3}, new boolean[] {true, false, false, true, false}, 0.5),
        // ties inside one class change nothing: pos {2, 2} vs neg {1, 3}: (1 + 0 + 1 + 0) / 4
        Arguments.of(new double[] {2, 2, 1, 3}, new boolean[] {true, true, false, false}, 0.5),
        // only one class: undefined
        Arguments.of(new double[] {1, 2}, new boolean[] {false, false}, Double.NaN));
  }

  @ParameterizedTest
  @MethodSource("aurocCases")
  void shouldComputeAurocWhenScoresTieOrSeparate(double[] scores, boolean[] labels, double expected) {
    assertEquals(expected, Metrics.auroc(scores, labels), TOL);
  }

  static Stream<Arguments> f1Cases() {
    return Stream.of(
        // best at t = 0.7: precision 2/3, recall 1 -> 0.8
        Arguments.of(new double[] {0.9, 0.8, 0.7, 0.1}, new boolean[] {true, false, true, false}, 0.8, 0.7),
        // a tie must be flagged together: precision 1/2, recall 1
        Arguments.of(new double[] {0.5, 0.5}, new boolean[] {true, false}, 2.0 / 3, 0.5),
        // perfect separation
        Arguments.of(new double[] {5, 4, 1}, new boolean[] {true, true, false}, 1.0, 4.0));
  }

  @ParameterizedTest
  @MethodSource("f1Cases")
  void shouldFindF1MaxWhenThresholdsVary(double[] scores, boolean[] labels, double f1, double threshold) {
    Metrics.F1Max best = Metrics.f1Max(scores, labels);
    assertEquals(f1, best.f1(), TOL);
    assertEquals(threshold, best.threshold(), TOL);
  }

  @Test
  void shouldEndRocCurveAtOneOneWhenAllThresholdsAreWalked() {
    List<Metrics.RocPoint> curve =
        Metrics.rocCurve(new double[] {0.9, 0.5, 0.5, 0.1}, new boolean[] {true, true, false, false});
    // (0,0), 0.9 -> (0, .5), the 0.5 tie -> (.5, 1), 0.1 -> (1, 1)
    assertEquals(4, curve.size());
    assertEquals(new Metrics.RocPoint(0.5, 1.0), curve.get(2));
    assertEquals(new Metrics.RocPoint(1.0, 1.0), curve.get(3));
  }

  static Stream<Arguments> areaCases() {
    return Stream.of(
        // PRO 1 from FPR 0 on: perfect
        Arguments.of(new double[] {0, 0.3, 1}, new double[] {1, 1, 1}, 1.0),
        // diagonal cut at 0.3 by interpolation: triangle 0.3 * 0.3 / 2, divided by 0.3
        Arguments.of(new double[] {0.6}, new double[] {0.6}, 0.15),
        // nothing found before FPR 0.3
        Arguments.of(new double[] {0.5, 1}, new double[] {0, 1}, 0.0));
  }

  @ParameterizedTest
  @MethodSource("areaCases")
  void shouldNormaliseAreaUpToMaxFprWhenCurveIsCut(double[] fpr, double[] pro, double expected) {
    assertEquals(expected, Metrics.normalizedAreaUpTo(fpr, pro, 0.3), TOL);
  }

  /** Good frames scoring 0, 1, ..., 99, then the defective {@code scores}. */
  private static double escapeOverHundredGood(double target, double... defective) {
    double[] scores = new double[100 + defective.length];
    boolean[] labels = new boolean[scores.length];
    for (int i = 0; i < 100; i++) {
      scores[i] = i;
    }
    for (int i = 0; i < defective.length; i++) {
      scores[100 + i] = defective[i];
      labels[100 + i] = true;
    }
    return Metrics.escapeAtFalseRejectRate(scores, labels, target);
  }

  @Test
  void shouldSetTheHindsightThresholdWhereTheFalseRejectTargetAllows() {
    // 1 % of 100 good frames may be rejected: the threshold is the second-highest good score (98),
    // so 99 alone is a false reject; defective 50 and 98 escape, 98.5 and 99.5 are caught.
    assertEquals(0.5, escapeOverHundredGood(0.01, 98.5, 99.5, 50, 98), TOL);
    // no false reject allowed: the threshold is the highest good score, 98.5 escapes too
    assertEquals(0.75, escapeOverHundredGood(0.0, 98.5, 99.5, 50, 98), TOL);
    // 1.99 % still allows only one good frame above the threshold
    assertEquals(0.5, escapeOverHundredGood(0.0199, 98.5, 99.5, 50, 98), TOL);
  }

  @Test
  void shouldCountTiesAtTheHindsightThresholdAsPassed() {
    // good {1, 2, 2, 2}, a quarter may be rejected: any threshold below 2 rejects three good
    // frames, so it stays at 2, where a defective 2 passes (escapes) and 2.1 is caught.
    double[] scores = {1, 2, 2, 2, 2, 2.1};
    boolean[] labels = {false, false, false, false, true, true};
    assertEquals(0.5, Metrics.escapeAtFalseRejectRate(scores, labels, 0.25), TOL);
  }

  @Test
  void shouldGiveNoHindsightEscapeWithoutBothClassesOrATarget() {
    assertTrue(Double.isNaN(escapeOverHundredGood(0.01)));
    assertTrue(Double.isNaN(escapeOverHundredGood(Double.NaN, 50)));
    assertTrue(Double.isNaN(Metrics.escapeAtFalseRejectRate(
        new double[] {1, 2}, new boolean[] {true, true}, 0.01)));
  }

  @Test
  void shouldUseSampleStdWhenSeveralValues() {
    assertEquals(2.0, Metrics.mean(new double[] {1, 2, 3}), TOL);
    assertEquals(1.0, Metrics.std(new double[] {1, 2, 3}), TOL);
    assertEquals(0.0, Metrics.std(new double[] {0.7}), TOL);
    assertTrue(Double.isNaN(Metrics.mean(new double[] {Double.NaN})));
  }
}
