package io.clipline.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsOptionsTest {
  @Test
  void shouldLetSetWinOverTheConfigFile(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("worker.properties");
    Files.writeString(file, "batch.max.frames=8\nworker.id=from-file\n");
    SettingsOptions options = new SettingsOptions();
    options.configFile = file;
    options.overrides.put("worker.id", "from-set");
    assertEquals(Map.of("batch.max.frames", "8", "worker.id", "from-set"), options.settings());
  }

  @Test
  void shouldNameTheOptionWhenTheConfigFileIsMissing(@TempDir Path dir) {
    SettingsOptions options = new SettingsOptions();
    options.configFile = dir.resolve("missing.properties");
    IOException e = assertThrows(IOException.class, options::settings);
    assertEquals("--config " + options.configFile + ": no such file", e.getMessage());
  }
}
