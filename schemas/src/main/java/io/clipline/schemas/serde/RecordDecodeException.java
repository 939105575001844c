package io.clipline.schemas.serde;

import java.util.Objects;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Thrown when bytes on a Clipline topic cannot be read as the expected Avro record.
 *
 * <p>Every failure to decode, whatever its cause inside Avro, surfaces as this one type with a
 * {@link Reason} that the dead-letter queue records, so operators can tell "somebody wrote JSON
 * to the frames topic" from "a newer producer uses a schema this worker has never seen". It
 * extends Kafka's {@link SerializationException}, so the consumer wraps it with the topic
 * partition and offset of the bad record.
 */
public class RecordDecodeException extends SerializationException {
  private static final long serialVersionUID = 1L;

  /** Why the bytes could not be decoded. */
  public enum Reason {
    /** The bytes start with neither format's framing: not Avro at all. */
    NOT_AVRO("schema.not_avro"),
    /** The marker is there, but the schema fingerprint belongs to no known schema version. */
    UNKNOWN_FINGERPRINT("schema.unknown_fingerprint"),
    /** The record ends before all of its fields were read. */
    TRUNCATED("schema.truncated"),
    /** The body does not parse under the writer's schema (bad lengths, bad union index...). */
    MALFORMED("schema.malformed"),
    /**
     * The value is framed in the other {@link SerdeFormat}: schema-registry bytes given to a
     * single-object reader, or single-object bytes given to a registry reader.
     */
    WRONG_FORMAT("schema.wrong_format"),
    /** Registry framing whose schema id the schema registry does not know. */
    UNKNOWN_SCHEMA_ID("schema.unknown_schema_id");

    private final String code;

    Reason(String code) {
      this.code = code;
    }

    /** A stable machine-readable code, as written to {@code DeadLetter.reasonCode}. */
    public String code() {
      return code;
    }
  }

  private final Reason reason;
  private final String recordType;

  public RecordDecodeException(Reason reason, String recordType, String detail, Throwable cause) {
    super(
        "cannot decode "
            + Objects.requireNonNull(recordType, "recordType")
            + " ("
            + Objects.requireNonNull(reason, "reason").code()
            + "): "
            + detail,
        cause);
    this.reason = reason;
    this.recordType = recordType;
  }

  public Reason reason() {
    return reason;
  }

  /** Simple name of the record type the bytes were expected to hold. */
  public String recordType() {
    return recordType;
  }
}
