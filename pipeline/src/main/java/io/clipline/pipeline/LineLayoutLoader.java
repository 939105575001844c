package io.clipline.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.config.ConfigException;

/**
 * Reads a {@link LineLayout} from its JSON file format (documented in the pipeline README).
 * Every error names the offending key by its path, for example {@code
 * lines[0].stations[1].travelTimeMs}, and says what was expected and what was found.
 */
public final class LineLayoutLoader {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> LINE_KEYS = Set.of("lineId", "rejectOnUnsure", "stations");
  private static final Set<String> STATION_KEYS =
      Set.of("stationId", "gateId", "travelTimeMs", "cameras");
  private static final Set<String> CAMERA_KEYS =
      Set.of("cameraId", "expectedIntervalMs", "itemView");

  private LineLayoutLoader() {}

  /** Reads and validates the file; the {@link ConfigException} names the file and the key. */
  public static LineLayout load(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException(PipelineConfig.LINE_TOPOLOGY_FILE, file.toString(),
          "cannot read the line topology file: " + e);
    }
    try {
      return parse(text);
    } catch (ConfigException e) {
      throw new ConfigException(file + ": " + e.getMessage());
    }
  }

  /** Parses and validates JSON text. */
  public static LineLayout parse(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new ConfigException("line topology is not valid JSON: "
          + e.getOriginalMessage() + " at line " + e.getLocation().getLineNr());
    }
    if (root == null || !root.isObject()) {
      throw new ConfigException("line topology: expected a JSON object with key 'lines'");
    }
    checkKeys(root, Set.of("lines"), "");
    JsonNode linesNode = array(root, "lines", "lines");
    List<LineLayout.Line> lines = new ArrayList<>();
    Set<String> lineIds = new HashSet<>();
    Set<String> cameraIds = new HashSet<>();
    for (int l = 0; l < linesNode.size(); l++) {
      String lp = "lines[" + l + "]";
      LineLayout.Line line = line(linesNode.get(l), lp, cameraIds);
      if (!lineIds.add(line.lineId())) {
        throw fail(lp + ".lineId", "'" + line.lineId() + "' is used by an earlier line");
      }
      lines.add(line);
    }
    return new LineLayout(lines);
  }

  private static LineLayout.Line line(JsonNode node, String lp, Set<String> cameraIds) {
    JsonNode ln = object(node, lp);
    checkKeys(ln, LINE_KEYS, lp);
    String lineId = id(ln, "lineId", lp);
    boolean rejectOnUnsure = bool(ln, "rejectOnUnsure", lp, false);
    JsonNode stationsNode = array(ln, "stations", lp + ".stations");
    List<LineLayout.Station> stations = new ArrayList<>();
    Set<String> stationIds = new HashSet<>();
    for (int s = 0; s < stationsNode.size(); s++) {
      String sp = lp + ".stations[" + s + "]";
      JsonNode sn = object(stationsNode.get(s), sp);
      checkKeys(sn, STATION_KEYS, sp);
      String stationId = id(sn, "stationId", sp);
      if (!stationIds.add(stationId)) {
        throw fail(sp + ".stationId", "'" + stationId + "' is used by an earlier station");
      }
      String gateId = sn.hasNonNull("gateId") ? id(sn, "gateId", sp) : null;
      long travel = number(sn, "travelTimeMs", sp, 0, 0, 3_600_000);
      if (gateId == null && sn.has("travelTimeMs")) {
        throw fail(sp + ".travelTimeMs", "is set but the station has no gateId");
      }
      JsonNode camerasNode = array(sn, "cameras", sp + ".cameras");
      List<LineLayout.Camera> cameras = new ArrayList<>();
      for (int c = 0; c < camerasNode.size(); c++) {
        String cp = sp + ".cameras[" + c + "]";
        JsonNode cn = object(camerasNode.get(c), cp);
        checkKeys(cn, CAMERA_KEYS, cp);
        String cameraId = id(cn, "cameraId", cp);
        String prefix = lineId + "/" + stationId + "/";
        if (!cameraId.startsWith(prefix) || cameraId.length() == prefix.length()) {
          throw fail(cp + ".cameraId",
              "expected '" + prefix + "<camera>' (line/station/camera), got '" + cameraId + "'");
        }
        if (!cameraIds.add(cameraId)) {
          throw fail(cp + ".cameraId", "'" + cameraId + "' is used by an earlier camera");
        }
        long interval = number(cn, "expectedIntervalMs", cp, 1_000, 1, 86_400_000);
        boolean itemView = bool(cn, "itemView", cp, true);
        cameras.add(new LineLayout.Camera(cameraId, interval, itemView));
      }
      if (cameras.isEmpty()) {
        throw fail(sp + ".cameras", "expected at least one camera, got none");
      }
      stations.add(new LineLayout.Station(stationId, gateId, travel, cameras));
    }
    if (stations.isEmpty()) {
      throw fail(lp + ".stations", "expected at least one station, got none");
    }
    LineLayout.Line line = new LineLayout.Line(lineId, rejectOnUnsure, stations);
    if (line.itemViewCameras().isEmpty()) {
      throw fail(lp + ".stations", "no camera has itemView true, so items get no view");
    }
    return line;
  }

  /**
   * Parses one line record of the line-topology topic: key = lineId, value = the JSON of one
   * entry of {@code lines}. Errors name the record's key and the bad key inside it.
   */
  public static LineLayout.Line parseLine(String lineId, String json) {
    String path = "line record '" + lineId + "'";
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw fail(path, "not valid JSON: " + e.getOriginalMessage());
    }
    LineLayout.Line line = line(root, path, new HashSet<>());
    if (!line.lineId().equals(lineId)) {
      throw fail(path + ".lineId", "expected the record key '" + lineId + "', got '"
          + line.lineId() + "'");
    }
    return line;
  }

  private static ConfigException fail(String key, String message) {
    return new ConfigException("line topology key " + key + ": " + message);
  }

  private static void checkKeys(JsonNode node, Set<String> allowed, String path) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!allowed.contains(name)) {
        throw fail(path.isEmpty() ? name : path + "." + name,
            "unknown key; expected one of " + new java.util.TreeSet<>(allowed));
      }
    }
  }

  private static JsonNode object(JsonNode node, String path) {
    if (node == null || !node.isObject()) {
      throw fail(path, "expected an object, got " + kind(node));
    }
    return node;
  }

  private static JsonNode array(JsonNode parent, String name, String path) {
    JsonNode node = parent.get(name);
    if (node == null || !node.isArray()) {
      throw fail(path, "expected an array, got " + kind(node));
    }
    return node;
  }

  private static String id(JsonNode parent, String name, String path) {
    JsonNode node = parent.get(name);
    if (node == null || !node.isTextual() || node.asText().isBlank()) {
      throw fail(path + "." + name, "expected a non-empty string, got " + kind(node));
    }
    return node.asText();
  }

  private static boolean bool(JsonNode parent, String name, String path, boolean dflt) {
    JsonNode node = parent.get(name);
    if (node == null) {
      return dflt;
    }
    if (!node.isBoolean()) {
      throw fail(path + "." + name, "expected true or false, got " + kind(node));
    }
    return node.asBoolean();
  }

  private static long number(JsonNode parent, String name, String path, long dflt, long min,
      long max) {
    JsonNode node = parent.get(name);
    if (node == null) {
      return dflt;
    }
    if (!node.isIntegralNumber() || node.asLong() < min || node.asLong() > max) {
      throw fail(path + "." + name,
          "expected an integer in [" + min + ", " + max + "], got " + node);
    }
    return node.asLong();
  }

  private static String kind(JsonNode node) {
    return node == null || node.isMissingNode() ? "nothing" : node.getNodeType().name()
        .toLowerCase(java.util.Locale.ROOT) + " " + node;
  }
}
