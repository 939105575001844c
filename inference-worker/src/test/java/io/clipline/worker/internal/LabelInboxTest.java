package io.clipline.worker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clipline.schemas.LabelAction;
import io.clipline.schemas.OperatorLabel;
import io.clipline.worker.LabelOutcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LabelInboxTest {
  private final LabelInbox inbox = new LabelInbox();

  private static OperatorLabel label(String labelId, String frameId) {
    return OperatorLabel.newBuilder().setLabelId(labelId).setFrameId(frameId)
        .setCameraId("cam").setAction(LabelAction.values()[0])
        .setLabelTime(Instant.now()).build();
  }

  @Test
  void shouldHandEachLabelIdToTheScorerOnceAndCountTheDuplicates() {
    List<String> applied = new ArrayList<>();
    inbox.offer(label("l1", "f1"));
    inbox.offer(label("l2", "f2"));
    inbox.offer(label("l1", "f1"));
    inbox.applyTo(l -> applied.add(l.getLabelId()));
    inbox.offer(label("l2", "f2"));
    inbox.applyTo(l -> applied.add(l.getLabelId()));

    assertEquals(List.of("l1", "l2"), applied);
    assertEquals(2, inbox.count(LabelOutcome.DUPLICATE));
    assertEquals(0, inbox.count(LabelOutcome.FAILED));
  }

  @Test
  void shouldCountEveryOutcomeTheWorkerDecidesInOnePlace() {
    inbox.offer(label("l1", "f1"));
    inbox.undecodable();
    inbox.applyTo(l -> {
      throw new IllegalStateException("scorer cannot");
    });

    assertEquals(1, inbox.count(LabelOutcome.FAILED));
    assertEquals(1, inbox.count(LabelOutcome.UNDECODABLE));
    assertEquals(0, inbox.count(LabelOutcome.DUPLICATE));
    assertEquals(0, inbox.count(LabelOutcome.APPLIED));
  }
}
