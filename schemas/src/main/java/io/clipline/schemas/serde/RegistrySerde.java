package io.clipline.schemas.serde;

import io.apicurio.registry.rest.client.exception.NotFoundException;
import io.apicurio.registry.serde.SerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.apicurio.registry.serde.config.IdOption;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for one generated Avro record type in the schema-registry wire format: a zero
 * magic byte, the 4-byte big-endian id the registry gave the writer's schema, then the Avro
 * binary record, as Confluent's serializers write it.
 *
 * <p>The work is Apicurio Registry's Avro serdes in Confluent-compatible mode (4-byte content
 * ids in the value, no headers); subjects follow TopicNameStrategy ({@code <topic>-value}) and
 * a schema not yet registered is registered on first write, checked by the registry's rules
 * (see {@link SchemaRegistration}). This class adds what Clipline's readers rely on: a value
 * in single-object encoding, a value that is not framed at all, a schema id the registry does
 * not know, or a body that does not parse each fail with one {@link RecordDecodeException}
 * whose reason says which, before or instead of asking the registry. A registry that cannot be
 * reached is not a property of the record: it fails with a plain {@link SerializationException}.
 *
 * <p>Instances are thread-safe: Apicurio's serdes are, and cache schemas by id.
 *
 * @param <T> the generated record class
 */
final class RegistrySerde<T extends SpecificRecord>
    implements Serde<T>, Serializer<T>, Deserializer<T> {
  /** Path of Apicurio Registry's v2 core API below the registry's base address. */
  static final String CORE_API_PATH = "/apis/registry/v2";

  private final Class<T> type;
  private final String registryUrl;
  private final AvroKafkaSerializer<T> serializer = new AvroKafkaSerializer<>();
  private final AvroKafkaDeserializer<T> deserializer = new AvroKafkaDeserializer<>();

  static {
    TrustedRecords.install();
  }

  RegistrySerde(Class<T> type, SerdeSettings settings) {
    this.type = type;
    this.registryUrl = settings.registryUrl().orElseThrow();
    Map<String, Object> config = clientConfig(settings);
    serializer.configure(config, false);
    deserializer.configure(config, false);
  }

  /**
   * The Apicurio serde settings for {@code settings}: the user's pass-through settings, then the
   * framing Clipline fixes (Confluent-compatible ids in the value, no headers) and the URL.
   */
  static Map<String, Object> clientConfig(SerdeSettings settings) {
    Map<String, Object> config = new HashMap<>(settings.clientSettings());
    config.put(SerdeConfig.REGISTRY_URL, settings.registryUrl().orElseThrow() + CORE_API_PATH);
    config.put(SerdeConfig.AUTO_REGISTER_ARTIFACT, true);
    config.put(SerdeConfig.ENABLE_CONFLUENT_ID_HANDLER, true);
    config.put(SerdeConfig.USE_ID, IdOption.contentId.name());
    config.put(SerdeConfig.ENABLE_HEADERS, false);
    config.put(AvroKafkaSerdeConfig.USE_SPECIFIC_AVRO_READER, true);
    config.put(AvroKafkaSerdeConfig.AVRO_ENCODING, AvroKafkaSerdeConfig.AVRO_ENCODING_BINARY);
    return config;
  }

  @Override
  public byte[] serialize(String topic, T data) {
    if (data == null) {
      return null;
    }
    try {
      return serializer.serialize(topic, data);
    } catch (RuntimeException e) {
      throw new SerializationException("cannot write " + type.getSimpleName() + " to " + topic
          + ": the schema registry at " + registryUrl + " refused or did not answer for subject "
          + SchemaRegistration.subject(topic) + ": " + rootMessage(e), e);
    }
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    String name = type.getSimpleName();
    if (SerdeFormat.SINGLE_OBJECT.framed(data)) {
      throw new RecordDecodeException(RecordDecodeException.Reason.WRONG_FORMAT, name,
          SerdeFormat.REGISTRY.misframedDetail(data), null);
    }
    if (!SerdeFormat.REGISTRY.framed(data)) {
      throw new RecordDecodeException(RecordDecodeException.Reason.NOT_AVRO, name,
          "expected the schema-registry framing (magic byte 00 and a 4-byte schema id), got "
              + data.length + " bytes" + (data.length > 0 ? String.format(" starting %02X", data[0])
              : ""), null);
    }
    Object value;
    try {
      value = deserializer.deserialize(topic, data);
    } catch (RuntimeException e) {
      throw decodeFailure(name, data, e);
    }
    if (!type.isInstance(value)) {
      throw new RecordDecodeException(RecordDecodeException.Reason.MALFORMED, name,
          "schema id " + schemaId(data) + " describes "
              + (value == null ? "nothing" : value.getClass().getSimpleName()) + ", not " + name,
          null);
    }
    return type.cast(value);
  }

  private RuntimeException decodeFailure(String name, byte[] data, RuntimeException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof NotFoundException) {
        return new RecordDecodeException(RecordDecodeException.Reason.UNKNOWN_SCHEMA_ID, name,
            "the schema registry at " + registryUrl + " knows no schema with id "
                + schemaId(data), e);
      }
      if (t instanceof EOFException || t instanceof IndexOutOfBoundsException
          || t instanceof java.nio.BufferUnderflowException) {
        return new RecordDecodeException(RecordDecodeException.Reason.TRUNCATED, name,
            "input ended after " + data.length + " bytes, before the record was complete", e);
      }
      if (t instanceof org.apache.avro.AvroRuntimeException) {
        return new RecordDecodeException(RecordDecodeException.Reason.MALFORMED, name,
            t.getClass().getSimpleName() + ": " + t.getMessage(), e);
      }
    }
    return new SerializationException("cannot read " + name + " with schema id " + schemaId(data)
        + ": the schema registry at " + registryUrl + " did not answer: " + rootMessage(e), e);
  }

  private static int schemaId(byte[] data) {
    return ByteBuffer.wrap(data, 1, 4).getInt();
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == e ? String.valueOf(e.getMessage())
        : e.getMessage() + " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
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
    // Configured once at construction from SerdeSettings.
  }

  @Override
  public void close() {
    serializer.close();
    deserializer.close();
  }
}
