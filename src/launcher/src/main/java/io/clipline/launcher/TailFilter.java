package io.clipline.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Which records {@code clipline tail} prints: those whose line, camera, verdict and item are the
 * ones asked for (each criterion optional, all of them must hold). A field is looked up on the
 * record and, for records that point at a frame ({@code DefectEvent}), on its {@code frame}; a
 * record without the field does not match a criterion on it.
 */
final class TailFilter {
  /** Criterion → the record field it compares. */
  private final Map<String, String> wanted = new LinkedHashMap<>();

  /** Any argument may be {@code null}: no criterion on that field. */
  TailFilter(String line, String camera, String verdict, String item) {
    put("lineId", line);
    put("cameraId", camera);
    put("verdict", verdict == null ? null : verdict.toUpperCase(Locale.ROOT));
    put("itemId", item);
  }

  private void put(String field, String value) {
    if (value != null) {
      wanted.put(field, value);
    }
  }

  /** Whether the record, as {@link RecordJson} renders it, meets every criterion. */
  boolean matches(JsonNode record) {
    for (Map.Entry<String, String> criterion : wanted.entrySet()) {
      JsonNode field = field(record, criterion.getKey());
      if (field == null || !criterion.getValue().equals(field.asText())) {
        return false;
      }
    }
    return true;
  }

  private static JsonNode field(JsonNode record, String name) {
    JsonNode field = record.get(name);
    if ((field == null || field.isNull()) && record.get("frame") != null) {
      field = record.get("frame").get(name);
    }
    return field == null || field.isNull() ? null : field;
  }
}
