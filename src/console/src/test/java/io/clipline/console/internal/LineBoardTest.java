package io.clipline.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clipline.schemas.Alert;
import io.clipline.schemas.AlertState;
import io.clipline.schemas.LineStats;
import io.clipline.schemas.serde.TrustedRecords;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LineBoardTest {
  @BeforeAll
  static void trustTheSchemas() {
    TrustedRecords.install();
  }

  private static LineStats stats(String camera, long start, long frames) {
    return LineStats.newBuilder().setLineId("l").setCameraId(camera)
        .setWindowStart(Instant.ofEpochMilli(start)).setWindowEnd(Instant.ofEpochMilli(start + 10))
        .setFrames(frames).setOkCount(frames).build();
  }

  private static Alert alert(String id, AlertState state) {
    return Alert.newBuilder().setAlertId(id).setState(state).setLineId("l")
        .setSince(Instant.EPOCH).setTime(Instant.EPOCH).build();
  }

  @Test
  void shouldShowTheNewestWholeLineWindowWithFramesWhenRecordsArriveInAnyOrder() {
    LineBoard board = new LineBoard();
    assertTrue(board.addStats(stats(null, 20, 5)).isPresent());
    // an older window, a camera's window and an empty window change nothing
    assertTrue(board.addStats(stats(null, 10, 7)).isEmpty());
    assertTrue(board.addStats(stats("l/s/c", 30, 7)).isEmpty());
    assertTrue(board.addStats(stats(null, 30, 0)).isEmpty());
    // a re-emitted window replaces itself
    assertTrue(board.addStats(stats(null, 20, 6)).isPresent());

    assertEquals(List.of(6L), board.lines().stream().map(LineStats::getFrames).toList());
  }

  @Test
  void shouldKeepOnlyFiringAlertsWhenEpisodesClear() {
    LineBoard board = new LineBoard();
    board.addAlert(alert("a", AlertState.FIRING));
    board.addAlert(alert("b", AlertState.FIRING));
    board.addAlert(alert("a", AlertState.CLEARED));
    board.addAlert(alert("b", AlertState.UNKNOWN));

    assertEquals(List.of("b"), board.openAlerts().stream().map(Alert::getAlertId).toList());
  }
}
