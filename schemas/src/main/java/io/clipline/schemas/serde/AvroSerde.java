package io.clipline.schemas.serde;

import io.clipline.schemas.evolution.SchemaHistory;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for one generated Avro record type, in Avro's single-object encoding.
 *
 * <p>Each value starts with the marker {@code C3 01} and the 8-byte fingerprint of the schema
 * that wrote it, so a reader knows exactly which schema version it holds. The decoder knows the
 * current schema and every released version kept in {@link SchemaHistory}, so data written by an
 * older producer is resolved to the current record. A {@code null} value (a tombstone) maps to
 * {@code null} both ways; anything else that is not a valid record fails with one {@link
 * RecordDecodeException}.
 *
 * <p>Instances are thread-safe: Avro's message encoder and decoder are.
 *
 * @param <T> the generated record class
 */
public final class AvroSerde<T extends SpecificRecord>
    implements Serde<T>, Serializer<T>, Deserializer<T> {

  /** Length of the single-object header: 2 marker bytes and an 8-byte fingerprint. */
  private static final int HEADER_LENGTH = 10;

  private static final byte[] MARKER = {(byte) 0xC3, (byte) 0x01};

  private final Class<T> type;
  private final BinaryMessageEncoder<T> encoder;
  private final BinaryMessageDecoder<T> decoder;

  static {
    TrustedRecords.install();
  }

  private AvroSerde(Class<T> type) {
    this.type = type;
    SpecificData data = SpecificData.getForClass(type);
    Schema schema = data.getSchema(type);
    this.encoder = new BinaryMessageEncoder<>(data, schema);
    this.decoder = new BinaryMessageDecoder<>(data, schema);
    for (Schema earlier : SchemaHistory.releasedVersions(schema.getName())) {
      decoder.addSchema(earlier);
    }
  }

  /** Returns a serde for {@code type}, which must be a class generated from a Clipline schema. */
  public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type) {
    return new AvroSerde<>(Objects.requireNonNull(type, "type"));
  }

  public Class<T> type() {
    return type;
  }

  /** Encodes one record; the returned array is freshly allocated. */
  public byte[] encode(T record) {
    try {
      ByteBuffer buffer = encoder.encode(record);
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(
          "cannot encode " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Decodes one record.
   *
   * @throws RecordDecodeException when the bytes are not a complete record of a known version
   */
  public T decode(byte[] bytes) {
    String name = type.getSimpleName();
    if (SerdeFormat.REGISTRY.framed(bytes)) {
      throw new RecordDecodeException(RecordDecodeException.Reason.WRONG_FORMAT, name,
          SerdeFormat.SINGLE_OBJECT.misframedDetail(bytes), null);
    }
    if (bytes.length < MARKER.length || bytes[0] != MARKER[0] || bytes[1] != MARKER[1]) {
      throw new RecordDecodeException(
          RecordDecodeException.Reason.NOT_AVRO,
          name,
          "expected the Avro single-object marker C3 01, got " + describeStart(bytes),
          null);
    }
    if (bytes.length < HEADER_LENGTH) {
      throw new RecordDecodeException(
          RecordDecodeException.Reason.TRUNCATED,
          name,
          "expected a " + HEADER_LENGTH + "-byte header, got " + bytes.length + " bytes",
          null);
    }
    try {
      return decoder.decode(new ByteArrayInputStream(bytes), null);
    } catch (MissingSchemaException e) {
      throw new RecordDecodeException(
          RecordDecodeException.Reason.UNKNOWN_FINGERPRINT,
          name,
          "no known " + name + " schema has fingerprint " + fingerprintHex(bytes),
          e);
    } catch (BadHeaderException e) {
      throw new RecordDecodeException(
          RecordDecodeException.Reason.NOT_AVRO, name, e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      if (causedByEndOfInput(e)) {
        throw new RecordDecodeException(
            RecordDecodeException.Reason.TRUNCATED,
            name,
            "input ended after " + bytes.length + " bytes, before the record was complete",
            e);
      }
      throw new RecordDecodeException(
          RecordDecodeException.Reason.MALFORMED,
          name,
          e.getClass().getSimpleName() + ": " + e.getMessage(),
          e);
    }
  }

  @Override
  public byte[] serialize(String topic, T data) {
    return data == null ? null : encode(data);
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    return data == null ? null : decode(data);
  }

  @Override
  public Serializer<T> serializer() {
    return this;
  }

  @Override
  public Deserializer<T> deserializer() {
    return this;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    // Nothing to configure: the record type fixes the schema.
  }

  @Override
  public void close() {
    // Nothing to release: encoder and decoder hold only heap state.
  }

  private static boolean causedByEndOfInput(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof EOFException) {
        return true;
      }
      if (t instanceof AvroRuntimeException
          && t.getMessage() != null
          && t.getMessage().contains("EOF")) {
        return true;
      }
      if (t instanceof ArrayIndexOutOfBoundsException || t instanceof IndexOutOfBoundsException) {
        return true;
      }
    }
    return false;
  }

  private static String describeStart(byte[] bytes) {
    if (bytes.length == 0) {
      return "0 bytes";
    }
    StringBuilder hex = new StringBuilder();
    for (int i = 0; i < Math.min(4, bytes.length); i++) {
      hex.append(String.format("%02X ", bytes[i]));
    }
    return hex.toString().trim() + (bytes.length > 4 ? " ..." : "");
  }

  private static String fingerprintHex(byte[] bytes) {
    StringBuilder hex = new StringBuilder();
    for (int i = MARKER.length; i < HEADER_LENGTH; i++) {
      hex.append(String.format("%02x", bytes[i]));
    }
    return hex.toString();
  }
}
