package io.clipline.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ScoringConfigTest {
  private static final ScoringConfig D = ScoringConfig.defaults();

  private static ScoringConfig with(int k, double pct, double top, int rows, int early, int text) {
    return D.toBuilder().k(k).calibrationPercentile(pct).topFraction(top).maxImageRows(rows)
        .earlyFrames(early).textOnlyFrames(text).build();
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        // k of zero: no neighbours to compare with
        Arguments.of((Supplier<Object>) () -> with(0, 0.99, 0.3, 200, 4, 1), "ScoringConfig.k"),
        // percentile above 1
        Arguments.of((Supplier<Object>) () -> with(3, 1.5, 0.3, 200, 4, 1), "calibrationPercentile"),
        // top fraction of zero images
        Arguments.of((Supplier<Object>) () -> with(3, 0.99, 0.0, 200, 4, 1), "topFraction"),
        // NaN fraction
        Arguments.of((Supplier<Object>) () -> with(3, 0.99, Double.NaN, 200, 4, 1), "topFraction"),
        // no image rows at all
        Arguments.of((Supplier<Object>) () -> with(3, 0.99, 0.3, 0, 4, 1), "maxImageRows"),
        // rule over two fields names both
        Arguments.of((Supplier<Object>) () -> with(3, 0.99, 0.3, 200, 1, 2), "earlyFrames must be >= ScoringConfig.textOnlyFrames"),
        // thresholds out of order name both
        Arguments.of((Supplier<Object>) () -> Thresholds.fixed(5, 1), "Thresholds.ok must be <= Thresholds.ng"),
        // false-reject rate of zero
        Arguments.of((Supplier<Object>) () -> Thresholds.forFalseRejectRate(0, 1), "targetFalseRejectRate"),
        // negative unsure band
        Arguments.of((Supplier<Object>) () -> Thresholds.forFalseRejectRate(0.01, -1), "unsureBand"));
  }

  @ParameterizedTest
  @MethodSource("invalid")
  void shouldNameTheFieldWhenValueIsInvalid(Supplier<Object> build, String fragment) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build::get);
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }

  @Test
  void shouldPublishReferenceDefaultsWhenAskedForDefaults() {
    assertEquals(3, D.k());
    assertEquals(0.99, D.calibrationPercentile(), 0);
    assertEquals(0.10, D.topFraction(), 0);
    assertEquals(200, D.maxImageRows());
    assertEquals(3 * 1369, D.prototypeCap(1369));
    assertEquals(4.0, D.blurSigma(518, 518), 1e-12);
    assertEquals(2.0, D.blurSigma(259, 100), 1e-12);
    assertEquals(4.0 / 3, D.lateRarityWeight(), 1e-12);
  }

  @Test
  void shouldChangeOnlyTheFieldsSetWhenBuiltFromAnotherConfig() {
    ScoringConfig changed = D.toBuilder().warmupFrames(7).memory(40, 2).build();
    assertEquals(
        new ScoringConfig(
            D.k(), D.calibrationPercentile(), D.topFraction(), 40, 2, D.textOnlyFrames(),
            D.earlyFrames(), D.earlyRarityWeight(), D.earlyTextWeight(), D.lateRarityWeight(),
            D.lateTextWeight(), 7, D.blurSigmaAt518(), D.normalizationWindow(),
            D.normalizationEpsilon(), D.thresholds(), D.learnFromUnsure(), D.maxRegions(),
            D.typeTemperature(), D.fewShotBeta(), D.fewShotTemperature(), D.maxFewShotExamples(),
            D.imageRarityWeight(), D.peakFraction(), D.withinFrameWeight(), D.positionalWeight(),
            D.positionalFrames(), D.positionalRadius()),
        changed);
    assertEquals(D, ScoringConfig.builder().build());
    assertEquals(changed, changed.toBuilder().build());
  }

  @Test
  void shouldValidateWhenBuilt() {
    ScoringConfig.Builder b = D.toBuilder().normalizationWindow(2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::build);
    assertTrue(e.getMessage().contains("normalizationWindow"), e.getMessage());
  }
}
