package io.clipline.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LineLayoutLoaderTest {
  @Test
  void shouldReadLinesStationsCamerasAndGatesWhenTheFileIsValid() {
    LineLayout topology = TestRecords.TOPOLOGY;

    assertEquals(2, topology.lines().size());
    LineLayout.Placement c2 = topology.placement("L1/S1/C2").orElseThrow();
    assertEquals("G1", c2.station().gateId());
    assertEquals(5_000, c2.station().travelTimeMs());
    assertEquals(1_000, c2.camera().expectedIntervalMs());
    assertEquals(List.of("L1/S1/C1", "L1/S1/C2", "L1/S1/C3"), c2.line().itemViewCameras());
    assertTrue(topology.line("L2").orElseThrow().rejectOnUnsure());
    assertTrue(topology.placement("L9/S1/C1").isEmpty());
  }

  @Test
  void shouldLeaveOverviewCameraOutOfItemViewsWhenItemViewIsFalse() {
    LineLayout topology = LineLayoutLoader.parse("""
        {"lines": [{"lineId": "L1", "stations": [{"stationId": "S1", "cameras": [
          {"cameraId": "L1/S1/C1"}, {"cameraId": "L1/S1/OV", "itemView": false}]}]}]}
        """);
    assertEquals(List.of("L1/S1/C1"), topology.lines().get(0).itemViewCameras());
    assertEquals(null, topology.placement("L1/S1/C1").orElseThrow().station().gateId());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      // not JSON at all
      "not json | {lines: | not valid JSON",
      // a typo in a key is an error, not a silent default
      "unknown key | {'lines': [{'lineId': 'L1', 'stations': [], 'rejectOnUnsur': true}]}"
          + " | lines[0].rejectOnUnsur",
      // no stations
      "empty line | {'lines': [{'lineId': 'L1', 'stations': []}]} | lines[0].stations",
      // negative travel time
      "negative travel | {'lines': [{'lineId': 'L1', 'stations': [{'stationId': 'S1',"
          + " 'gateId': 'G1', 'travelTimeMs': -5, 'cameras': [{'cameraId': 'L1/S1/C1'}]}]}]}"
          + " | lines[0].stations[0].travelTimeMs",
      // a travel time without a gate to travel to
      "travel without gate | {'lines': [{'lineId': 'L1', 'stations': [{'stationId': 'S1',"
          + " 'travelTimeMs': 500, 'cameras': [{'cameraId': 'L1/S1/C1'}]}]}]}"
          + " | lines[0].stations[0].travelTimeMs",
      // a camera id that does not sit under its line and station
      "camera elsewhere | {'lines': [{'lineId': 'L1', 'stations': [{'stationId': 'S1',"
          + " 'cameras': [{'cameraId': 'L2/S1/C1'}]}]}]}"
          + " | lines[0].stations[0].cameras[0].cameraId",
      // the same camera twice
      "duplicate camera | {'lines': [{'lineId': 'L1', 'stations': [{'stationId': 'S1',"
          + " 'cameras': [{'cameraId': 'L1/S1/C1'}, {'cameraId': 'L1/S1/C1'}]}]}]}"
          + " | lines[0].stations[0].cameras[1].cameraId",
      // the same line twice
      "duplicate line | {'lines': [{'lineId': 'L1', 'stations': [{'stationId': 'S1',"
          + " 'cameras': [{'cameraId': 'L1/S1/C1'}]}]}, {'lineId': 'L1', 'stations': [{'stationId':"
          + " 'S2', 'cameras': [{'cameraId': 'L1/S2/C1'}]}]}]}"
          + " | lines[1].lineId",
      // zero expected interval
      "zero interval | {'lines': [{'lineId': 'L1', 'stations': [{'stationId': 'S1',"
          + " 'cameras': [{'cameraId': 'L1/S1/C1', 'expectedIntervalMs': 0}]}]}]}"
          + " | lines[0].stations[0].cameras[0].expectedIntervalMs",
      // no camera gives an item view
      "no item view | {'lines': [{'lineId': 'L1', 'stations': [{'stationId': 'S1',"
          + " 'cameras': [{'cameraId': 'L1/S1/C1', 'itemView': false}]}]}]} | lines[0].stations",
      // a string where a boolean belongs
      "string flag | {'lines': [{'lineId': 'L1', 'rejectOnUnsure': 'yes', 'stations': []}]}"
          + " | lines[0].rejectOnUnsure",
  })
  void shouldNameTheBadKeyWhenTheFileIsInvalid(String name, String json, String key) {
    ConfigException e = assertThrows(ConfigException.class,
        () -> LineLayoutLoader.parse(json.replace('\'', '"')));
    assertTrue(e.getMessage().contains(key.trim()), e.getMessage());
  }

  @Test
  void shouldNameTheFileWhenItCannotBeRead(@TempDir Path dir) throws Exception {
    Path missing = dir.resolve("nope.json");
    ConfigException e = assertThrows(ConfigException.class,
        () -> LineLayoutLoader.load(missing));
    assertTrue(e.getMessage().contains(PipelineConfig.LINE_TOPOLOGY_FILE), e.getMessage());

    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "{\"lines\": [{\"lineId\": 3}]}");
    e = assertThrows(ConfigException.class, () -> LineLayoutLoader.load(bad));
    assertTrue(e.getMessage().contains(bad.toString())
        && e.getMessage().contains("lines[0].lineId"), e.getMessage());
  }
}
