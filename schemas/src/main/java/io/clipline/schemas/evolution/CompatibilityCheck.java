package io.clipline.schemas.evolution;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * Checks that two versions of a record schema can read each other's data, and names the field
 * when they cannot.
 *
 * <p>Clipline evolves a topic's schema in place only when the change is compatible both ways:
 * consumers on the new schema read old records (backward) and consumers still on the old schema
 * read new records (forward). Anything else needs a new topic version.
 */
public final class CompatibilityCheck {
  private CompatibilityCheck() {}

  /**
   * Returns one line per incompatibility between {@code current} and {@code earlier}, in both
   * directions; an empty list means the two are fully compatible.
   */
  public static List<String> problems(Schema current, Schema earlier) {
    List<String> problems = new ArrayList<>();
    collect("current reading earlier data", current, earlier, problems);
    collect("earlier reading current data", earlier, current, problems);
    return problems;
  }

  private static void collect(String direction, Schema reader, Schema writer, List<String> out) {
    SchemaPairCompatibility result =
        SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
    for (Incompatibility incompatibility : result.getResult().getIncompatibilities()) {
      out.add(
          reader.getName()
              + ": field '"
              + fieldPath(reader, incompatibility.getLocation())
              + "' ("
              + direction
              + "): "
              + incompatibility.getType()
              + ": "
              + incompatibility.getMessage());
    }
  }

  /**
   * Turns a JSON-pointer location such as {@code /fields/3/type/fields/0} into the dotted field
   * names it points at, resolved against {@code schema}.
   */
  static String fieldPath(Schema schema, String location) {
    String[] parts = location.split("/");
    List<String> names = new ArrayList<>();
    Schema at = schema;
    for (int i = 0; i < parts.length; i++) {
      if (!"fields".equals(parts[i]) || i + 1 >= parts.length || at == null) {
        continue;
      }
      Schema record = recordOf(at);
      if (record == null) {
        break;
      }
      int index = Integer.parseInt(parts[i + 1]);
      if (index >= record.getFields().size()) {
        break;
      }
      Schema.Field field = record.getFields().get(index);
      names.add(field.name());
      at = field.schema();
      i++;
    }
    return names.isEmpty() ? location : String.join(".", names);
  }

  private static Schema recordOf(Schema schema) {
    switch (schema.getType()) {
      case RECORD:
        return schema;
      case UNION:
        for (Schema branch : schema.getTypes()) {
          if (branch.getType() == Schema.Type.RECORD) {
            return branch;
          }
        }
        return null;
      case ARRAY:
        return recordOf(schema.getElementType());
      case MAP:
        return recordOf(schema.getValueType());
      default:
        return null;
    }
  }
}
