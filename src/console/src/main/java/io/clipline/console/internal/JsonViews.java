package io.clipline.console.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clipline.schemas.Alert;
import io.clipline.schemas.AnomalyMap;
import io.clipline.schemas.DefectEvent;
import io.clipline.schemas.FrameVerdict;
import io.clipline.schemas.LineStats;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The JSON the page reads: Avro records mapped onto plain objects with the fields the page
 * shows, times as epoch milliseconds, the anomaly map's bytes in base64. Written with Jackson.
 */
public final class JsonViews {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private JsonViews() {}

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** A card: the verdict's fields, its regions, the image URL and what labels it got. */
  public static ObjectNode card(FrameCard card) {
    FrameVerdict v = card.verdict();
    ObjectNode n = MAPPER.createObjectNode();
    n.put("frameId", v.getFrameId());
    n.put("cameraId", v.getCameraId());
    n.put("lineId", v.getLineId());
    n.put("stationId", v.getStationId());
    n.put("itemId", v.getItemId());
    n.put("product", v.getProduct());
    n.put("sequence", v.getSequence());
    n.put("captureTime", v.getCaptureTime().toEpochMilli());
    n.put("verdict", v.getVerdict().name());
    n.put("imageScore", v.getImageScore());
    n.put("thresholdOk", v.getThresholdOk());
    n.put("thresholdNg", v.getThresholdNg());
    n.put("warmup", v.getWarmup());
    n.put("topDefectType", v.getTopDefectType());
    if (v.getTopDefectConfidence() != null) {
      n.put("topDefectConfidence", v.getTopDefectConfidence());
    }
    n.put("regionCount", v.getRegionCount());
    n.put("modelVersion", v.getModelVersion());
    n.put("workerId", v.getWorkerId());
    n.put("image", v.getFramePosition() == null ? null
        : "api/frames/" + URLEncoder.encode(v.getFrameId(), StandardCharsets.UTF_8)
            .replace("+", "%20"));
    n.put("rejectGate", card.rejectGate());
    if (v.getAnomalyMap() != null) {
      n.set("map", map(v.getAnomalyMap()));
    }
    ArrayNode regions = n.putArray("regions");
    for (DefectEvent d : card.regions()) {
      ObjectNode r = regions.addObject();
      r.put("x", d.getBbox().getX());
      r.put("y", d.getBbox().getY());
      r.put("width", d.getBbox().getWidth());
      r.put("height", d.getBbox().getHeight());
      r.put("defectType", d.getDefectType());
      if (d.getDefectConfidence() != null) {
        r.put("defectConfidence", d.getDefectConfidence());
      }
      r.put("peakScore", d.getPeakScore());
    }
    ArrayNode labels = n.putArray("labels");
    card.labels().forEach(labels::add);
    return n;
  }

  private static ObjectNode map(AnomalyMap map) {
    ObjectNode m = MAPPER.createObjectNode();
    m.put("rows", map.getRows());
    m.put("cols", map.getCols());
    ByteBuffer values = map.getValues().duplicate();
    byte[] bytes = new byte[values.remaining()];
    values.get(bytes);
    m.put("values", bytes);
    m.put("min", map.getMin());
    m.put("max", map.getMax());
    return m;
  }

  /** A line's statistics window. */
  public static ObjectNode stats(LineStats s) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("lineId", s.getLineId());
    n.put("windowStart", s.getWindowStart().toEpochMilli());
    n.put("windowEnd", s.getWindowEnd().toEpochMilli());
    n.put("frames", s.getFrames());
    n.put("ok", s.getOkCount());
    n.put("ng", s.getNgCount());
    n.put("unsure", s.getUnsureCount());
    n.put("yield", s.getYieldRate());
    n.put("latencyP95Ms", s.getLatencyP95Ms());
    ObjectNode types = n.putObject("defectTypes");
    for (Map.Entry<String, Long> e : s.getDefectTypeCounts().entrySet()) {
      types.put(e.getKey(), e.getValue());
    }
    return n;
  }

  /** An open alert. */
  public static ObjectNode alert(Alert a) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("alertId", a.getAlertId());
    n.put("kind", a.getKind().name());
    n.put("state", a.getState().name());
    n.put("severity", a.getSeverity().name());
    n.put("lineId", a.getLineId());
    n.put("cameraId", a.getCameraId());
    n.put("message", a.getMessage());
    n.put("since", a.getSince().toEpochMilli());
    return n;
  }
}
