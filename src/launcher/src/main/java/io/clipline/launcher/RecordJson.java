package io.clipline.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.IndexedRecord;

/**
 * A decoded Avro record as a Jackson tree, the way a person or {@code jq} reads it: field names
 * as in the schema, unions as their value (no Avro JSON type wrappers), enums as their symbol,
 * timestamps as ISO-8601 text, and byte fields (images, a dead letter's original bytes, snapshot
 * payloads) as their size only, {@code {"bytes": N}}.
 */
final class RecordJson {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private RecordJson() {}

  /** The record as an object node, fields in schema order. */
  static ObjectNode of(IndexedRecord record) {
    ObjectNode node = NODES.objectNode();
    for (Schema.Field field : record.getSchema().getFields()) {
      node.set(field.name(), value(record.get(field.pos())));
    }
    return node;
  }

  private static JsonNode value(Object value) {
    if (value == null) {
      return NODES.nullNode();
    } else if (value instanceof IndexedRecord record) {
      return of(record);
    } else if (value instanceof CharSequence text) {
      return NODES.textNode(text.toString());
    } else if (value instanceof Integer n) {
      return NODES.numberNode(n);
    } else if (value instanceof Long n) {
      return NODES.numberNode(n);
    } else if (value instanceof Float n) {
      return NODES.numberNode(n);
    } else if (value instanceof Double n) {
      return NODES.numberNode(n);
    } else if (value instanceof Boolean b) {
      return NODES.booleanNode(b);
    } else if (value instanceof Enum<?> symbol) {
      return NODES.textNode(symbol.name());
    } else if (value instanceof GenericEnumSymbol<?> symbol) {
      return NODES.textNode(symbol.toString());
    } else if (value instanceof Instant time) {
      return NODES.textNode(time.toString());
    } else if (value instanceof ByteBuffer bytes) {
      return NODES.objectNode().put("bytes", bytes.remaining());
    } else if (value instanceof byte[] bytes) {
      return NODES.objectNode().put("bytes", bytes.length);
    } else if (value instanceof Collection<?> items) {
      ArrayNode array = NODES.arrayNode();
      items.forEach(item -> array.add(value(item)));
      return array;
    } else if (value instanceof Map<?, ?> entries) {
      ObjectNode map = NODES.objectNode();
      entries.forEach((k, v) -> map.set(k.toString(), value(v)));
      return map;
    }
    // Other logical types (decimals, dates) read best as their own text.
    return NODES.textNode(value.toString());
  }
}
