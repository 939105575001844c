package io.clipline.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConsoleConfigTest {
  @Test
  void shouldBindToLoopbackWithoutTokenWhenNothingIsSet() {
    ConsoleConfig config = new ConsoleConfig(Map.of());
    assertEquals("127.0.0.1", config.getString(ConsoleConfig.HTTP_HOST));
    assertEquals("", config.labelToken());
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({
      // a typo of a console key
      "window.frame,      10",
      // below the range
      "window.frames,     0",
      // not a number
      "http.port,         eighty",
      // above the range
      "http.port,         70000",
  })
  void shouldNameTheKeyWhenAValueIsBad(String key, String value) {
    ConfigException e =
        assertThrows(ConfigException.class, () -> new ConsoleConfig(Map.of(key, value)));
    assertTrue(e.getMessage().contains(key), e.getMessage());
  }

  @Test
  void shouldRefuseAnOpenAddressWhenNoTokenIsSet() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> new ConsoleConfig(Map.of(ConsoleConfig.HTTP_HOST, "0.0.0.0")));
    assertTrue(e.getMessage().contains(ConsoleConfig.LABEL_TOKEN)
        && e.getMessage().contains(ConsoleConfig.HTTP_HOST), e.getMessage());
  }

  @Test
  void shouldAcceptAnOpenAddressWhenATokenIsSet() {
    ConsoleConfig config = new ConsoleConfig(
        Map.of(ConsoleConfig.HTTP_HOST, "0.0.0.0", ConsoleConfig.LABEL_TOKEN, "t0ken"));
    assertEquals("t0ken", config.labelToken());
  }

  @Test
  void shouldMatchTheReadmeTableWhenSettingsChange() throws IOException {
    String text = Files.readString(Path.of("README.md"));
    String start = "<!-- console-config:start -->\n";
    String end = "<!-- console-config:end -->";
    int from = text.indexOf(start);
    int to = text.indexOf(end);
    assertTrue(from >= 0 && to > from, "src/console/README.md lacks the console-config markers");
    assertEquals(ConsoleConfig.markdownTable(), text.substring(from + start.length(), to),
        "src/console/README.md's config table is out of date; paste ConsoleConfig.markdownTable()");
  }
}
