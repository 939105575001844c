package io.clipline.schemas;

import io.clipline.schemas.serde.TrustedRecords;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Builds filled-in instances of any generated record from its schema alone, so tests cover every
 * field of every record type without naming them. Unions take their non-null branch, so nested
 * records and optional fields are exercised too.
 */
public final class SampleRecords {
  private SampleRecords() {}

  public static <T extends SpecificRecord> T sample(Class<T> type, long seed) {
    TrustedRecords.install();
    SpecificData data = SpecificData.getForClass(type);
    Schema schema = data.getSchema(type);
    Object generic = value(schema, new Random(seed), 0);
    return type.cast(data.deepCopy(schema, generic));
  }

  private static Object value(Schema schema, Random random, int depth) {
    switch (schema.getType()) {
      case RECORD:
        GenericData.Record record = new GenericData.Record(schema);
        for (Schema.Field field : schema.getFields()) {
          record.put(field.pos(), value(field.schema(), random, depth + 1));
        }
        return record;
      case UNION:
        for (Schema branch : schema.getTypes()) {
          if (branch.getType() != Schema.Type.NULL) {
            return value(branch, random, depth);
          }
        }
        return null;
      case ENUM:
        List<String> symbols = schema.getEnumSymbols();
        return new GenericData.EnumSymbol(schema, symbols.get(random.nextInt(symbols.size())));
      case ARRAY:
        List<Object> list = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
          list.add(value(schema.getElementType(), random, depth + 1));
        }
        return list;
      case MAP:
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("k" + random.nextInt(100), value(schema.getValueType(), random, depth + 1));
        return map;
      case STRING:
        return "s" + Long.toHexString(random.nextLong());
      case BYTES:
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return ByteBuffer.wrap(bytes);
      case FIXED:
        byte[] fixed = new byte[schema.getFixedSize()];
        random.nextBytes(fixed);
        return new GenericData.Fixed(schema, fixed);
      case INT:
        return random.nextInt(1_000_000);
      case LONG:
        long millis = 1_700_000_000_000L + random.nextInt(1_000_000_000);
        // Generated classes hold timestamp-millis fields as Instants.
        return schema.getLogicalType() instanceof LogicalTypes.TimestampMillis
            ? Instant.ofEpochMilli(millis)
            : millis;
      case FLOAT:
        return random.nextFloat();
      case DOUBLE:
        return random.nextDouble();
      case BOOLEAN:
        return random.nextBoolean();
      case NULL:
        return null;
      default:
        throw new IllegalArgumentException("no sample for " + schema.getType());
    }
  }
}
