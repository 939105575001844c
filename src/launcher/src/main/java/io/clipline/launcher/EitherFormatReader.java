package io.clipline.launcher;

import io.clipline.schemas.serde.AvroSerde;
import io.clipline.schemas.serde.SerdeFormat;
import io.clipline.schemas.serde.SerdeSettings;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads one record type's values in either wire format, told apart by their first bytes, for the
 * commands that inspect topics whatever their producers chose ({@code tail}, {@code audit}):
 * single-object values with the compiled schemas, schema-registry values through the registry
 * when one was given; without one, such a value fails saying which option to pass.
 *
 * @param <T> the generated record class
 */
final class EitherFormatReader<T extends SpecificRecord> {
  private final Deserializer<T> singleObject;
  private final Deserializer<T> registry;

  /** @param registry the registry format's settings, when a registry address was given */
  EitherFormatReader(Class<T> type, Optional<SerdeSettings> registry) {
    this.singleObject = AvroSerde.of(type);
    this.registry = registry.map(s -> s.serdeFor(type).deserializer()).orElse(null);
  }

  /**
   * Decodes one value of {@code topic}.
   *
   * @throws RuntimeException saying why it cannot: not a record, or registry framing without a
   *     registry
   */
  T read(String topic, byte[] value) {
    if (!SerdeFormat.REGISTRY.framed(value)) {
      return singleObject.deserialize(topic, value);
    }
    if (registry == null) {
      throw new IllegalStateException("the value is in the schema-registry wire format (schema id "
          + ByteBuffer.wrap(value, 1, 4).getInt() + "); pass --schema-registry-url to decode it");
    }
    return registry.deserialize(topic, value);
  }
}
