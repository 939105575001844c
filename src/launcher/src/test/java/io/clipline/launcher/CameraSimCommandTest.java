package io.clipline.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** camera-sim refuses bad options before it connects anywhere, naming the option at fault. */
class CameraSimCommandTest {
  static Stream<Arguments> invalidOptions() {
    return Stream.of(
        invalid("'--fps'", "--fps", "0"),
        invalid("'--fps'", "--fps", "fast"),
        invalid("'--frames'", "--frames", "-1"),
        invalid("'--lines'", "--lines", "0"),
        invalid("'--cameras'", "--cameras", "0"),
        // a rule across two options names both
        invalid("'--cameras-per-station', '--cameras'", "--cameras", "2",
            "--cameras-per-station", "3"),
        invalid("'--lines', '--cameras'", "--lines", "200", "--cameras", "100"),
        invalid("'--defect-rate'", "--defect-rate", "1.5"),
        invalid("'--duration'", "--duration", "PT-1S"),
        invalid("'--encoding', '--color'", "--encoding", "BGR8"),
        invalid("'--width'", "--width", "16"),
        invalid("'--topic'", "--topic", " "),
        invalid("'--bootstrap-servers'", "--bootstrap-servers", "localhost"),
        invalid("'--bootstrap-servers'", "--bootstrap-servers", "localhost:9092,localhost:99999"),
        invalid("'--connect-timeout'", "--connect-timeout", "PT0S"),
        invalid("'--dataset'", "--dataset", "no/such/folder"));
  }

  private static Arguments invalid(String named, String... args) {
    return Arguments.of(named, args);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("invalidOptions")
  void shouldNameOptionWhenValueIsInvalid(String named, String[] args) {
    String[] command = Stream.concat(Stream.of("camera-sim"), Stream.of(args))
        .toArray(String[]::new);

    CommandRun run = CommandRun.of(command);

    assertEquals(CommandLine.ExitCode.USAGE, run.exitCode(), run.err());
    assertTrue(run.firstErrorLine().startsWith("Invalid value"), run.err());
    assertTrue(run.firstErrorLine().contains(named),
        "expected " + named + " in: " + run.firstErrorLine());
  }

  @Test
  void shouldExitWithOneLineWhenNoBrokerListens() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }

    CommandRun run = CommandRun.of("camera-sim", "--bootstrap-servers",
        "localhost:" + closedPort, "--frames", "1");

    assertEquals(1, run.exitCode());
    assertEquals(1, run.err().lines().count(), run.err());
    assertTrue(run.err().startsWith("clipline camera-sim: no Kafka broker accepts connections at"
        + " localhost:" + closedPort), run.err());
  }

  @Test
  void shouldListCameraSimWhenHelpIsAsked() {
    CommandRun run = CommandRun.of("help");

    assertEquals(0, run.exitCode());
    assertTrue(run.out().contains("camera-sim"), run.out());
  }
}
