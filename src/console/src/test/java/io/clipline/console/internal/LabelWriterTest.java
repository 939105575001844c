package io.clipline.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.clipline.console.internal.LabelWriter.BadLabelException;
import io.clipline.console.internal.LabelWriter.Box;
import io.clipline.console.internal.LabelWriter.Kind;
import io.clipline.console.internal.LabelWriter.LabelRequest;
import io.clipline.schemas.LabelAction;
import io.clipline.schemas.OperatorLabel;
import io.clipline.schemas.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LabelWriterTest {
  @ParameterizedTest(name = "{0} on {1}")
  @CsvSource({
      // agreeing with the model
      "CONFIRM_NG,  NG,     CONFIRM,  NG",
      // the model was unsure
      "CONFIRM_NG,  UNSURE, OVERRIDE, NG",
      // a false reject
      "OVERRIDE_OK, NG,     OVERRIDE, OK",
      "OVERRIDE_OK, UNSURE, OVERRIDE, OK",
  })
  void shouldConfirmOrOverrideWhenTheModelAgreedOrNot(Kind kind, Verdict model,
      LabelAction action, Verdict confirmed) throws BadLabelException {
    OperatorLabel label = LabelWriter.label(new LabelRequest("id-1", "f-1", kind, null, null,
        "ana"), RecentFramesTest.verdict("f-1", model));

    assertEquals(action, label.getAction());
    assertEquals(confirmed, label.getConfirmedVerdict());
    assertEquals(model, label.getModelVerdict());
    assertEquals("ana", label.getOperator());
  }

  @Test
  void shouldAnnotateWhenABoxHasAType() throws BadLabelException {
    OperatorLabel label = LabelWriter.label(new LabelRequest("id-2", "f-1", Kind.REGION,
        " Scratch ", new Box(3, 4, 20, 10), null), RecentFramesTest.verdict("f-1", Verdict.NG));

    assertEquals(LabelAction.ANNOTATE, label.getAction());
    assertEquals("scratch", label.getDefectType());
    assertEquals(20, label.getRegion().getWidth());
  }

  @ParameterizedTest(name = "[{index}] type ''{0}'' box {1},{2} {3}x{4}")
  @CsvSource({
      // no type
      "'',      3, 4, 20, 10",
      // an empty box
      "scratch, 3, 4, 0,  10",
      // outside the frame
      "scratch, -1, 4, 20, 10",
  })
  void shouldRefuseARegionWhenTypeOrBoxIsMissing(String type, int x, int y, int w, int h) {
    assertThrows(BadLabelException.class, () -> LabelWriter.label(new LabelRequest("id-3",
        "f-1", Kind.REGION, type, new Box(x, y, w, h), null),
        RecentFramesTest.verdict("f-1", Verdict.NG)));
  }
}
