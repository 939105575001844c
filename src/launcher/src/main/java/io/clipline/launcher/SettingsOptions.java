package io.clipline.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/** The {@code --config FILE} and {@code --set key=value} options of the long-running commands. */
final class SettingsOptions {
  @Option(names = "--config", description = "Properties file with the settings.")
  Path configFile;

  @Option(names = "--set", description = "A setting key=value; repeatable, wins over --config.")
  Map<String, String> overrides = new HashMap<>();

  /** The file's settings, overridden by the {@code --set} ones. */
  Map<String, Object> settings() throws IOException {
    Map<String, Object> settings = new HashMap<>();
    if (configFile != null) {
      Properties properties = new Properties();
      try (InputStream in = Files.newInputStream(configFile)) {
        properties.load(in);
      } catch (NoSuchFileException e) {
        throw new IOException("--config " + configFile + ": no such file", e);
      } catch (IOException e) {
        throw new IOException("--config " + configFile + ": cannot read it: " + e.getMessage(), e);
      }
      properties.forEach((k, v) -> settings.put(String.valueOf(k), v));
    }
    settings.putAll(overrides);
    return settings;
  }
}
