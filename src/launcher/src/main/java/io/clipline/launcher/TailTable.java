package io.clipline.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code --format table} rendering of {@code clipline tail}: a header, then one line per
 * record with the fields a person watching the line looks at first for its record type (every
 * other type: its first six plain fields). Columns are padded to a fixed width so rows printed
 * as records arrive line up; a longer value pushes the rest of its row to the right.
 */
final class TailTable {
  private static final Map<String, List<String>> COLUMNS = Map.of(
      "FrameVerdict", List.of("captureTime", "cameraId", "frameId", "itemId", "verdict",
          "imageScore", "topDefectType"),
      "DefectEvent", List.of("detectedTime", "frame.cameraId", "frame.frameId", "defectType",
          "peakScore", "bbox"),
      "ItemVerdict", List.of("decidedTime", "lineId", "itemId", "verdict", "defectTypes",
          "reason"),
      "RejectCommand", List.of("issuedTime", "lineId", "gateId", "itemId", "reason", "deadline",
          "defectTypes"),
      "LineStats", List.of("windowStart", "windowEnd", "lineId", "frames", "okCount", "ngCount",
          "unsureCount", "yieldRate"),
      "Alert", List.of("time", "lineId", "kind", "state", "severity", "message"),
      "DeadLetter", List.of("time", "originalTopic", "originalPartition", "originalOffset",
          "stage", "reasonCode", "reason"));

  private static final int MIN_WIDTH = 8;
  /** Wide enough for an ISO-8601 instant in milliseconds and for the simulator's ids. */
  private static final int WIDE = 24;

  private final List<String> columns;

  private TailTable(List<String> columns) {
    this.columns = columns;
  }

  /** The table for records of the named Avro type, whose field names in order are given. */
  static TailTable forRecord(String recordName, List<String> fieldNames) {
    List<String> columns = COLUMNS.get(recordName);
    if (columns == null) {
      columns = fieldNames.subList(0, Math.min(6, fieldNames.size()));
    }
    List<String> all = new ArrayList<>(List.of("partition@offset", "key"));
    all.addAll(columns);
    return new TailTable(all);
  }

  String header() {
    return row(columns);
  }

  /** A row: the record's position and key, then its columns. */
  String row(int partition, long offset, String key, JsonNode value) {
    List<String> cells = new ArrayList<>();
    cells.add(partition + "@" + offset);
    cells.add(key == null ? "" : key);
    for (String column : columns.subList(2, columns.size())) {
      cells.add(cell(value, column));
    }
    return row(cells);
  }

  /** A row for a record that could not be decoded. */
  String error(int partition, long offset, String key, String message) {
    return row(List.of(partition + "@" + offset, key == null ? "" : key, "ERROR " + message));
  }

  private static String cell(JsonNode value, String path) {
    JsonNode node = value;
    for (String part : path.split("\\.")) {
      node = node == null ? null : node.get(part);
    }
    if (node == null || node.isNull()) {
      return "-";
    }
    return node.isValueNode() ? node.asText() : node.toString();
  }

  private static int width(String column) {
    String name = column.substring(column.lastIndexOf('.') + 1);
    boolean wide = name.endsWith("Time") || name.endsWith("Id") || name.startsWith("window")
        || name.equals("time") || name.equals("deadline") || name.equals("key")
        || name.equals("originalTopic");
    return wide ? WIDE : Math.max(MIN_WIDTH, name.length());
  }

  private String row(List<String> cells) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      String cell = cells.get(i);
      if (i == cells.size() - 1) {
        line.append(cell);
      } else {
        int width = width(columns.get(i));
        line.append(String.format("%-" + width + "s  ", cell));
      }
    }
    return line.toString();
  }
}
