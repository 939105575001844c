package io.clipline.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clipline.schemas.BoundingBox;
import io.clipline.schemas.DefectEvent;
import io.clipline.schemas.FrameRef;
import io.clipline.schemas.FrameVerdict;
import io.clipline.schemas.RejectCommand;
import io.clipline.schemas.StageLatencies;
import io.clipline.schemas.Verdict;
import io.clipline.schemas.serde.TrustedRecords;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RecentFramesTest {
  @BeforeAll
  static void trustTheSchemas() {
    // Building a record with an enum default needs it, as the serdes do in production.
    TrustedRecords.install();
  }

  static FrameVerdict verdict(String frameId, Verdict verdict) {
    return FrameVerdict.newBuilder().setFrameId(frameId).setCameraId("l/s/c").setLineId("l")
        .setStationId("s").setItemId("item-" + frameId).setSequence(1)
        .setCaptureTime(Instant.EPOCH).setVerdict(verdict)
        .setLatencies(StageLatencies.newBuilder().build()).setVerdictTime(Instant.EPOCH).build();
  }

  static DefectEvent region(String frameId, int index) {
    return DefectEvent.newBuilder()
        .setFrame(new FrameRef(frameId, "l/s/c", "l", "s", null, 1L, Instant.EPOCH))
        .setRegionIndex(index).setBbox(new BoundingBox(index, 0, 4, 4))
        .setDetectedTime(Instant.EPOCH).build();
  }

  @Test
  void shouldKeepOnlyTheNewestNgAndUnsureFramesWhenManyArrive() {
    RecentFrames frames = new RecentFrames(3);
    for (int i = 0; i < 10; i++) {
      frames.addVerdict(verdict("f-" + i, i % 2 == 0 ? Verdict.NG : Verdict.UNSURE));
    }
    assertTrue(frames.addVerdict(verdict("ok", Verdict.OK)).isEmpty(), "OK frames are not shown");

    assertEquals(List.of("f-9", "f-8", "f-7"),
        frames.newestFirst().stream().map(FrameCard::frameId).toList());
  }

  @Test
  void shouldJoinRegionsWhetherTheyComeBeforeOrAfterTheVerdict() {
    RecentFrames frames = new RecentFrames(3);
    frames.addRegion(region("f-1", 1));
    frames.addVerdict(verdict("f-1", Verdict.NG));
    FrameCard card = frames.addRegion(region("f-1", 0)).orElseThrow();

    assertEquals(List.of(0, 1),
        card.regions().stream().map(DefectEvent::getRegionIndex).toList());
  }

  @Test
  void shouldMarkTheItemsFramesWhenItsRejectArrives() {
    RecentFrames frames = new RecentFrames(3);
    frames.addVerdict(verdict("f-1", Verdict.NG));
    RejectCommand reject = RejectCommand.newBuilder().setCommandId("r").setItemId("item-f-1")
        .setLineId("l").setGateId("gate-1").setDeadline(Instant.EPOCH)
        .setCaptureTime(Instant.EPOCH).setIssuedTime(Instant.EPOCH).build();

    assertEquals(1, frames.addReject(reject).size());
    assertEquals("gate-1", frames.get("f-1").orElseThrow().rejectGate());
    // A frame of the item that arrives after its reject is marked at once.
    frames.addVerdict(verdict("f-1", Verdict.UNSURE));
    assertEquals("gate-1", frames.get("f-1").orElseThrow().rejectGate());
  }
}
