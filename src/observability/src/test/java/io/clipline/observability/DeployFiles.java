package io.clipline.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The repository's deploy/ folder and readers for its JSON and YAML files. */
final class DeployFiles {
  static final ObjectMapper JSON = new ObjectMapper();
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private DeployFiles() {}

  /** deploy/, found upwards from the module's working directory. */
  static Path root() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("deploy/grafana/dashboards"))) {
        return dir.resolve("deploy");
      }
    }
    throw new IllegalStateException("no deploy/grafana/dashboards above " + Path.of("").toAbsolutePath());
  }

  static Path resolve(String relative) {
    return root().resolve(relative);
  }

  /** Files directly in {@code folder} whose name ends with {@code suffix}, sorted. */
  static List<Path> list(String folder, String suffix) {
    try (Stream<Path> files = Files.list(resolve(folder))) {
      return files.filter(f -> f.getFileName().toString().endsWith(suffix)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list deploy/" + folder, e);
    }
  }

  static JsonNode json(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new AssertionError(name(file) + " is not valid JSON: " + e.getMessage(), e);
    }
  }

  static JsonNode yaml(Path file) {
    List<JsonNode> documents = yamlDocuments(file);
    if (documents.size() != 1) {
      throw new AssertionError(name(file) + ": expected one YAML document, found " + documents.size());
    }
    return documents.get(0);
  }

  /** Every non-empty document of a YAML file separated by {@code ---}. */
  static List<JsonNode> yamlDocuments(Path file) {
    List<JsonNode> documents = new ArrayList<>();
    try (var parser = YAML.getFactory().createParser(file.toFile())) {
      var iterator = YAML.readValues(parser, JsonNode.class);
      while (iterator.hasNext()) {
        JsonNode document = iterator.next();
        if (document != null && !document.isNull() && !document.isMissingNode()) {
          documents.add(document);
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new AssertionError(name(file) + " is not valid YAML: " + e.getMessage(), e);
    }
    return documents;
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + name(file), e);
    }
  }

  /** The path relative to deploy/, for messages. */
  static String name(Path file) {
    return "deploy/" + root().relativize(file);
  }
}
