package io.clipline.camera.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which camera sends which frame, with which sequence and item. */
class CameraLayoutTest {
  @Test
  void shouldNameCamerasLineStationCameraWhenLinesHaveSeveralStations() {
    CameraLayout layout = new CameraLayout(2, 4, 2, "run");

    assertEquals(List.of(
            "line-1/station-1/cam-1", "line-1/station-1/cam-2",
            "line-1/station-2/cam-1", "line-1/station-2/cam-2",
            "line-2/station-1/cam-1", "line-2/station-1/cam-2",
            "line-2/station-2/cam-1", "line-2/station-2/cam-2"),
        layout.cameras().stream().map(CameraPosition::cameraId).toList());
    assertEquals("line-2", layout.cameras().get(5).lineId());
    assertEquals("station-2", layout.cameras().get(6).stationId());
  }

  @Test
  void shouldShowOneItemToAllCamerasOfAStationInTurnWhenFramesGoRoundRobin() {
    CameraLayout layout = new CameraLayout(1, 3, 3, "run");

    for (long round = 0; round < 4; round++) {
      String item = layout.itemOf(round * 3);
      for (int camera = 0; camera < 3; camera++) {
        long k = round * 3 + camera;
        assertEquals(camera, layout.cameraOf(k).index(), "frame " + k);
        assertEquals(round, layout.sequenceOf(k), "frame " + k);
        assertEquals(item, layout.itemOf(k), "frame " + k);
      }
    }
    assertEquals("item-run-line-1-station-1-0", layout.itemOf(0));
    assertEquals("item-run-line-1-station-1-1", layout.itemOf(3));
  }

  @Test
  void shouldGiveEachStationItsOwnItemsWhenStationsShareARound() {
    CameraLayout layout = new CameraLayout(1, 4, 2, "run");

    assertEquals(layout.itemOf(0), layout.itemOf(1));
    assertEquals(layout.itemOf(2), layout.itemOf(3));
    assertEquals("item-run-line-1-station-2-0", layout.itemOf(2));
  }
}
