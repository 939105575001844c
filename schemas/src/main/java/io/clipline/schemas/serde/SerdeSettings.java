package io.clipline.schemas.serde;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Serde;

/**
 * The wire-format settings every Clipline process shares: {@code serde.format}, {@code
 * schema.registry.url} and the schema-registry client settings passed through with the prefix
 * {@code schema.registry.}.
 *
 * <p>Each process's configuration adds the two keys with {@link #define(ConfigDef)}, so they are
 * typed, validated and listed in its generated table, and reads them back with {@link
 * #from(AbstractConfig)}, which stops start-up with a {@link ConfigException} naming {@code
 * schema.registry.url} when the registry format has no registry. Any other key starting with
 * {@code schema.registry.} is handed, without the prefix, to the registry client (Apicurio's
 * serdes): for example {@code schema.registry.apicurio.auth.username} for basic auth and {@code
 * schema.registry.apicurio.registry.request.ssl.truststore.location} for TLS. Immutable.
 */
public final class SerdeSettings {
  public static final String FORMAT = "serde.format";
  public static final String REGISTRY_URL = "schema.registry.url";
  /** Prefix of the settings passed through to the schema-registry client. */
  public static final String REGISTRY_CLIENT_PREFIX = "schema.registry.";

  /** Single-object encoding, no registry: the default. */
  public static final SerdeSettings SINGLE_OBJECT =
      new SerdeSettings(SerdeFormat.SINGLE_OBJECT, null, Map.of());

  private final SerdeFormat format;
  private final String registryUrl;
  private final Map<String, String> clientSettings;

  private SerdeSettings(SerdeFormat format, String registryUrl, Map<String, String> clientSettings) {
    this.format = format;
    this.registryUrl = registryUrl;
    this.clientSettings = Map.copyOf(clientSettings);
  }

  /**
   * The registry format against the registry at {@code registryUrl}.
   *
   * @param clientSettings registry client settings, keys without the {@code schema.registry.}
   *     prefix
   * @throws ConfigException when the URL is not an http or https address
   */
  public static SerdeSettings registry(String registryUrl, Map<String, String> clientSettings) {
    return new SerdeSettings(SerdeFormat.REGISTRY, checkedUrl(registryUrl),
        Objects.requireNonNull(clientSettings, "clientSettings"));
  }

  /** Adds {@code serde.format} and {@code schema.registry.url} to a process's settings. */
  public static ConfigDef define(ConfigDef def) {
    String[] formats = Arrays.stream(SerdeFormat.values()).map(SerdeFormat::setting)
        .toArray(String[]::new);
    return def
        .define(FORMAT, Type.STRING, SerdeFormat.SINGLE_OBJECT.setting(), ValidString.in(formats),
            Importance.HIGH,
            "Wire format of the record values: single-object (Avro single-object encoding, C3 01"
                + " and the schema fingerprint; needs no registry) or registry (the schema"
                + " registry's framing, a zero byte and a 4-byte schema id, which Confluent's"
                + " tools, ksqlDB, Kafka Connect and Flink read; schemas are registered under the"
                + " subject TOPIC-value with BACKWARD compatibility). A reader given the other"
                + " format dead-letters the record with reason schema.wrong_format.")
        .define(REGISTRY_URL, Type.STRING, "", Importance.HIGH,
            "Base address of the schema registry used with serde.format=registry, for"
                + " example http://registry:8080; required then. It must serve Apicurio"
                + " Registry's core API v2 (tested with Apicurio Registry 2.4.2.Final)."
                + " Other settings prefixed schema.registry. go, without the prefix, to the"
                + " registry client (Apicurio serdes 2.6), for example"
                + " schema.registry.apicurio.auth.username / .password for basic auth or"
                + " schema.registry.apicurio.registry.request.ssl.truststore.location for TLS.");
  }

  /** Whether {@code key} is a registry client setting passed through (not the URL itself). */
  public static boolean isClientSetting(String key) {
    return key.startsWith(REGISTRY_CLIENT_PREFIX) && !key.equals(REGISTRY_URL);
  }

  /**
   * Reads the settings a configuration declared with {@link #define(ConfigDef)}.
   *
   * @throws ConfigException naming {@code schema.registry.url} when {@code serde.format=registry}
   *     has no URL or a malformed one
   */
  public static SerdeSettings from(AbstractConfig config) {
    SerdeFormat format = SerdeFormat.fromSetting(config.getString(FORMAT));
    String url = config.getString(REGISTRY_URL);
    if (format == SerdeFormat.SINGLE_OBJECT) {
      return SINGLE_OBJECT;
    }
    if (url == null || url.isBlank()) {
      throw new ConfigException(REGISTRY_URL, url,
          FORMAT + "=registry needs the schema registry's address, for example"
              + " http://registry:8080");
    }
    Map<String, String> client = new TreeMap<>();
    config.originals().forEach((key, value) -> {
      if (isClientSetting(key) && value != null) {
        client.put(key.substring(REGISTRY_CLIENT_PREFIX.length()), String.valueOf(value));
      }
    });
    return registry(url, client);
  }

  /**
   * The serde these settings select for {@code type}: {@link AvroSerde} for single-object
   * encoding, or a schema-registry serde for the registry format. Thread-safe.
   */
  public <T extends SpecificRecord> Serde<T> serdeFor(Class<T> type) {
    Objects.requireNonNull(type, "type");
    return format == SerdeFormat.SINGLE_OBJECT ? AvroSerde.of(type) : new RegistrySerde<>(type, this);
  }

  public SerdeFormat format() {
    return format;
  }

  /** The registry's base address; empty for the single-object format. */
  public Optional<String> registryUrl() {
    return Optional.ofNullable(registryUrl);
  }

  /** Registry client settings, without the {@code schema.registry.} prefix. */
  public Map<String, String> clientSettings() {
    return clientSettings;
  }

  private static String checkedUrl(String url) {
    String trimmed = Objects.requireNonNull(url, "registryUrl").trim();
    try {
      URI uri = new URI(trimmed);
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null) {
        throw new ConfigException(REGISTRY_URL, url,
            "expected an http:// or https:// address of the schema registry");
      }
    } catch (URISyntaxException e) {
      throw new ConfigException(REGISTRY_URL, url, "not a valid address: " + e.getMessage());
    }
    return trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
  }

  @Override
  public String toString() {
    return format == SerdeFormat.SINGLE_OBJECT ? FORMAT + "=" + format.setting()
        : FORMAT + "=" + format.setting() + " " + REGISTRY_URL + "=" + registryUrl;
  }
}
