package io.clipline.schemas.serde;

import java.util.Arrays;
import java.util.Locale;

/**
 * The wire format of Clipline's record values, chosen with {@code serde.format}.
 *
 * <p>{@link #SINGLE_OBJECT} is Avro's single-object encoding: the marker {@code C3 01}, the
 * 8-byte schema fingerprint, then the record; it needs nothing but the schemas compiled into
 * Clipline. {@link #REGISTRY} is the schema registry's framing that Confluent's tools,
 * ksqlDB, Kafka Connect and Flink read: a zero magic byte, the 4-byte big-endian schema id that
 * a registry gave the writer's schema, then the Avro binary record.
 */
public enum SerdeFormat {
  /** Avro single-object encoding, {@code C3 01} + fingerprint + record (the default). */
  SINGLE_OBJECT("single-object"),
  /** Schema-registry framing, {@code 00} + 4-byte schema id + record. */
  REGISTRY("registry");

  private final String setting;

  SerdeFormat(String setting) {
    this.setting = setting;
  }

  /** The value of {@code serde.format} that selects this format. */
  public String setting() {
    return setting;
  }

  /**
   * The format a setting names.
   *
   * @throws IllegalArgumentException when it names none
   */
  public static SerdeFormat fromSetting(String value) {
    String wanted = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    for (SerdeFormat format : values()) {
      if (format.setting.equals(wanted)) {
        return format;
      }
    }
    throw new IllegalArgumentException("unknown serde format '" + value + "'; expected one of "
        + Arrays.stream(values()).map(SerdeFormat::setting).toList());
  }

  /**
   * Whether {@code bytes} start like a value in this format: the single-object marker, or a
   * zero magic byte followed by at least a 4-byte schema id.
   */
  public boolean framed(byte[] bytes) {
    if (this == SINGLE_OBJECT) {
      return bytes.length >= 2 && bytes[0] == (byte) 0xC3 && bytes[1] == (byte) 0x01;
    }
    return bytes.length >= 5 && bytes[0] == 0;
  }

  /**
   * What a reader of this format says about {@code bytes} that are framed in the other format
   * instead, for the dead letter.
   */
  String misframedDetail(byte[] bytes) {
    if (this == SINGLE_OBJECT) {
      int schemaId = ((bytes[1] & 0xFF) << 24) | ((bytes[2] & 0xFF) << 16)
          | ((bytes[3] & 0xFF) << 8) | (bytes[4] & 0xFF);
      return "the value is in the schema-registry wire format (magic byte 00, schema id "
          + schemaId + "), but this reader expects Avro single-object encoding (C3 01); set"
          + " serde.format=registry and schema.registry.url to read it";
    }
    return "the value is in Avro single-object encoding (C3 01), but this reader expects the"
        + " schema-registry wire format (magic byte 00 and a schema id); set"
        + " serde.format=single-object to read it";
  }
}
