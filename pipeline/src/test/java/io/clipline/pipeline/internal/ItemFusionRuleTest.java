package io.clipline.pipeline.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clipline.schemas.Verdict;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ItemFusionRuleTest {
  @ParameterizedTest(name = "[{0}] + {1} missing as {2} -> {3}")
  @CsvSource({
      // all views OK, none missing
      "'OK OK OK',         0, UNSURE, OK",
      // the second of three views is NG
      "'OK NG OK',         0, UNSURE, NG",
      // NG beats UNSURE
      "'UNSURE NG',        0, UNSURE, NG",
      // one doubtful view makes the item doubtful
      "'OK UNSURE OK',     0, UNSURE, UNSURE",
      // a missing view counts as UNSURE by default (fail-safe)
      "'OK OK',            1, UNSURE, UNSURE",
      // a missing view configured as NG rejects an otherwise good item
      "'OK OK',            1, NG,     NG",
      // a missing view configured as OK does not hide a real NG
      "'NG',               2, OK,     NG",
      // a missing view configured as OK passes the views that came
      "'OK',               2, OK,     OK",
      // no view at all and everything missing: the missing verdict decides
      "'',                 3, UNSURE, UNSURE",
  })
  void shouldFuseViewsWhenSomeAreWorseOrMissing(String views, int missing, Verdict missingAs,
      Verdict expected) {
    List<Verdict> verdicts = Arrays.stream(views.trim().split("\\s+"))
        .filter(s -> !s.isEmpty()).map(Verdict::valueOf).toList();
    assertEquals(expected, ItemFusionRule.fuse(verdicts, missing, missingAs));
  }
}
