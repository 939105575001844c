package io.clipline.scoring.post;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clipline.scoring.Judgement;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class VerdictDecisionTest {
  static Stream<Arguments> cases() {
    return Stream.of(
        // well below OK
        Arguments.of(-1.0, 2.0, 4.0, false, Judgement.OK),
        // exactly on the OK threshold is no longer OK
        Arguments.of(2.0, 2.0, 4.0, false, Judgement.UNSURE),
        // between the thresholds
        Arguments.of(3.0, 2.0, 4.0, false, Judgement.UNSURE),
        // exactly on the NG threshold is NG
        Arguments.of(4.0, 2.0, 4.0, false, Judgement.NG),
        // far above
        Arguments.of(40.0, 2.0, 4.0, false, Judgement.NG),
        // warm-up overrides everything
        Arguments.of(40.0, 2.0, 4.0, true, Judgement.UNSURE),
        // equal thresholds: no UNSURE band
        Arguments.of(2.999, 3.0, 3.0, false, Judgement.OK),
        // NG threshold not derivable yet (rate mode without history)
        Arguments.of(1.0, Double.NaN, Double.NaN, false, Judgement.UNSURE));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void shouldDecideByTwoThresholdsWhenScoreIsNormalised(
      double z, double ok, double ng, boolean warming, Judgement want) {
    assertEquals(want, ThresholdPolicy.decide(z, ok, ng, warming));
  }
}
