package io.clipline.launcher;

import io.clipline.schemas.serde.SerdeFormat;
import io.clipline.schemas.serde.SerdeSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The schema-registry options of the commands that take no settings file ({@code camera-sim},
 * {@code tail}): the registry's address and a properties file of {@code schema.registry.*}
 * client settings, turned into {@link SerdeSettings} with the same validation as the worker's
 * and the pipeline's {@code serde.format} / {@code schema.registry.url} settings.
 */
final class RegistryOptions {
  @Option(names = "--schema-registry-url",
      description = "Base address of the schema registry for the registry wire format, e.g."
          + " http://registry:8080 (Apicurio Registry's core API v2).")
  String url;

  @Option(names = "--schema-registry-config",
      description = "Properties file of schema-registry client settings, each prefixed"
          + " schema.registry. (e.g. schema.registry.apicurio.auth.username, ..."
          + ".request.ssl.truststore.location), passed to the registry client without the"
          + " prefix.")
  Path config;

  /** The registry format's settings when {@code --schema-registry-url} was given. */
  Optional<SerdeSettings> settingsIfGiven(CommandSpec spec) {
    return url == null ? Optional.empty() : Optional.of(settings(spec, SerdeFormat.REGISTRY));
  }

  /**
   * The settings for {@code format} with these options.
   *
   * @throws ParameterException naming the option at fault: the registry format without {@code
   *     --schema-registry-url}, a bad address, or a file key without the prefix
   */
  SerdeSettings settings(CommandSpec spec, SerdeFormat format) {
    Map<String, Object> props = new HashMap<>();
    if (config != null) {
      Properties file = new Properties();
      try (InputStream in = Files.newInputStream(config)) {
        file.load(in);
      } catch (IOException e) {
        throw new ParameterException(spec.commandLine(), "Invalid value for option"
            + " '--schema-registry-config': cannot read " + config + ": " + e.getMessage());
      }
      for (String key : file.stringPropertyNames()) {
        if (!SerdeSettings.isClientSetting(key)) {
          throw new ParameterException(spec.commandLine(), "Invalid value for option"
              + " '--schema-registry-config': " + config + " holds '" + key + "'; every key must"
              + " start with " + SerdeSettings.REGISTRY_CLIENT_PREFIX);
        }
        props.put(key, file.getProperty(key));
      }
    }
    props.put(SerdeSettings.FORMAT, format.setting());
    if (url != null) {
      props.put(SerdeSettings.REGISTRY_URL, url);
    }
    try {
      return SerdeSettings.from(
          new AbstractConfig(SerdeSettings.define(new ConfigDef()), props, false));
    } catch (ConfigException e) {
      throw new ParameterException(spec.commandLine(), "Invalid value for option"
          + " '--schema-registry-url': " + e.getMessage());
    }
  }
}
