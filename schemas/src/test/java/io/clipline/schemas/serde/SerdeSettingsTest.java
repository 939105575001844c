package io.clipline.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clipline.schemas.CameraFrame;
import io.clipline.schemas.SampleRecords;
import io.clipline.schemas.serde.RecordDecodeException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The wire-format settings, and what a registry-format reader says about bytes it cannot read,
 * before any registry is asked (the address below is never contacted: nothing listens there).
 */
class SerdeSettingsTest {
  private static final String NOWHERE = "http://127.0.0.1:9";

  private static SerdeSettings read(Map<String, String> props) {
    return SerdeSettings.from(new AbstractConfig(SerdeSettings.define(new ConfigDef()), props));
  }

  @Test
  void shouldDefaultToSingleObjectEncodingWithoutARegistry() {
    SerdeSettings settings = read(Map.of());

    assertEquals(SerdeFormat.SINGLE_OBJECT, settings.format());
    assertTrue(settings.registryUrl().isEmpty());
    assertInstanceOf(AvroSerde.class, settings.serdeFor(CameraFrame.class));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "registry:8080", "ftp://registry:21", "http://"})
  void shouldNameTheUrlKeyWhenTheRegistryFormatHasNoUsableAddress(String url) {
    ConfigException e = assertThrows(ConfigException.class,
        () -> read(Map.of(SerdeSettings.FORMAT, "registry", SerdeSettings.REGISTRY_URL, url)));

    assertTrue(e.getMessage().contains(SerdeSettings.REGISTRY_URL), e.getMessage());
  }

  @Test
  void shouldPassPrefixedClientSettingsWithoutThePrefixButNotTheUrl() {
    SerdeSettings settings = read(Map.of(SerdeSettings.FORMAT, "registry",
        SerdeSettings.REGISTRY_URL, "http://registry:8080/",
        "schema.registry.apicurio.registry.request.ssl.truststore.location", "/etc/ts.p12",
        "unrelated.key", "x"));

    assertEquals("http://registry:8080", settings.registryUrl().orElseThrow());
    assertEquals(Map.of("apicurio.registry.request.ssl.truststore.location", "/etc/ts.p12"),
        settings.clientSettings());
    assertTrue(SerdeSettings.isClientSetting("schema.registry.apicurio.auth.password"));
    assertTrue(!SerdeSettings.isClientSetting(SerdeSettings.REGISTRY_URL));
  }

  @Test
  void shouldSayTheValueIsSingleObjectWhenARegistryReaderIsGivenC301() {
    Serde<CameraFrame> registry = SerdeSettings.registry(NOWHERE, Map.of())
        .serdeFor(CameraFrame.class);
    byte[] singleObject =
        AvroSerde.of(CameraFrame.class).encode(SampleRecords.sample(CameraFrame.class, 5));

    RecordDecodeException e = assertThrows(RecordDecodeException.class,
        () -> registry.deserializer().deserialize("frames", singleObject));

    assertEquals(Reason.WRONG_FORMAT, e.reason(), e.getMessage());
    assertTrue(e.getMessage().contains("single-object"), e.getMessage());
    assertTrue(e.getMessage().contains("serde.format=single-object"), e.getMessage());
  }

  @Test
  void shouldCallUnframedBytesNotAvroAndTombstonesNullInTheRegistryFormat() {
    Serde<CameraFrame> registry = SerdeSettings.registry(NOWHERE, Map.of())
        .serdeFor(CameraFrame.class);

    RecordDecodeException e = assertThrows(RecordDecodeException.class, () -> registry
        .deserializer().deserialize("frames", "{\"a\":1}".getBytes(StandardCharsets.UTF_8)));

    assertEquals(Reason.NOT_AVRO, e.reason(), e.getMessage());
    assertNull(registry.deserializer().deserialize("frames", null));
    assertNull(registry.serializer().serialize("frames", null));
  }

  @Test
  void shouldRejectAnUnknownFormatName() {
    assertThrows(IllegalArgumentException.class, () -> SerdeFormat.fromSetting("avro"));
    assertEquals(SerdeFormat.REGISTRY, SerdeFormat.fromSetting(" Registry "));
  }
}
