package io.clipline.scoring.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RobustNormalizerTest {
  static Stream<Arguments> cases() {
    return Stream.of(
        // odd count with an outlier: median 3, MAD 1
        Arguments.of(5, new double[] {1, 2, 3, 4, 100}, 6.0, 3.0 / 1.4826),
        // even count: median 2.5, MAD 1
        Arguments.of(5, new double[] {1, 2, 3, 4}, 2.5, 0.0),
        // all equal: MAD 0 falls back to epsilon 1e-6
        Arguments.of(5, new double[] {5, 5, 5}, 5.000001, 1.0),
        // window of 3 drops the oldest (100): median 2, MAD 1
        Arguments.of(3, new double[] {100, 1, 2, 3}, 2.0 + 1.4826, 1.0),
        // empty history: everything normalises to 0
        Arguments.of(3, new double[] {}, 42.0, 0.0));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void shouldNormaliseByMedianAndMadWhenHistoryIsGiven(
      int window, double[] history, double raw, double want) {
    RobustNormalizer n = new RobustNormalizer(window, 1e-6);
    for (double h : history) {
      n.add(h);
    }
    assertEquals(want, n.normalize(raw), 1e-6);
    if (history.length > 0) {
      assertEquals(raw, n.denormalize(n.normalize(raw)), 1e-9);
    }
  }
}
