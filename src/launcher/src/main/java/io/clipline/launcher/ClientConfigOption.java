package io.clipline.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The {@code --client-config FILE} option of the commands that read or write topics from the
 * command line ({@code tail}, {@code audit}, {@code replay}): Kafka client settings such as {@code security.protocol},
 * {@code sasl.*} and {@code ssl.*} for a secured cluster, given to every consumer and producer
 * the command makes. The command's own settings (bootstrap servers, isolation level, ...) win.
 */
final class ClientConfigOption {
  @Option(names = {"--client-config", "--consumer-config"}, paramLabel = "FILE",
      description = "Properties file of Kafka client settings (security.protocol, sasl.*, ssl.*"
          + " ...), passed to the command's consumers and producers as they are"
          + " (--consumer-config: tail's older name for it).")
  Path file;

  /**
   * The file's settings; empty without the option.
   *
   * @throws ParameterException naming the option when the file is missing or unreadable
   */
  Map<String, Object> settings(CommandSpec spec) {
    Map<String, Object> settings = new HashMap<>();
    if (file == null) {
      return settings;
    }
    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      properties.load(in);
    } catch (NoSuchFileException e) {
      throw new ParameterException(spec.commandLine(), "--client-config " + file + ": no such file");
    } catch (IOException e) {
      throw new ParameterException(spec.commandLine(),
          "--client-config " + file + ": cannot read it: " + e.getMessage());
    }
    properties.forEach((k, v) -> settings.put(String.valueOf(k), v));
    return settings;
  }
}
