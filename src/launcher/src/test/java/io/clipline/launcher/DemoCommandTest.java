package io.clipline.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code clipline demo}: refused options start nothing; Ctrl-C still prints a summary. */
class DemoCommandTest {
  private static final Pattern DATA_DIR = Pattern.compile("data in (\\S+) \\(removed at the end\\)");

  @Test
  void shouldRejectANegativeFrameCountNamingTheOptionBeforeAnythingStarts() throws IOException {
    List<Path> before = demoFolders();

    CommandRun run = CommandRun.of("demo", "--frames", "-5");

    assertEquals(CommandLine.ExitCode.USAGE, run.exitCode(), run.err());
    assertTrue(run.firstErrorLine().startsWith("Invalid value for option '--frames': --frames must"),
        run.err());
    assertFalse(run.err().contains("frameCount"), run.err());
    assertFalse(run.out().contains("Starting Kafka broker"), run.out());
    assertEquals(before, demoFolders(), "no temporary folder left behind");
  }

  @Test
  void shouldPrintTheSummarySoFarAndRemoveItsFolderWhenTerminated() throws Exception {
    try (LauncherProcess demo = LauncherProcess.start("demo", "--frames", "400", "--fps", "4",
        "--model", LauncherProcess.MODELS.resolve("imagenet-mnv2").toString())) {
      assertTrue(demo.awaitLine(l -> l.trim().startsWith("verdicts"), Duration.ofSeconds(120)),
          demo.output());
      Matcher folder = DATA_DIR.matcher(demo.output());
      assertTrue(folder.find(), demo.output());
      Path dataDir = Path.of(folder.group(1));
      assertTrue(Files.isDirectory(dataDir), dataDir.toString());

      demo.terminate();
      demo.awaitExit(Duration.ofSeconds(90));

      String out = demo.output();
      assertTrue(out.contains("./clipline tail clipline.verdicts.v1 --bootstrap-servers "), out);
      assertTrue(out.contains("Summary (stopped early by Ctrl-C)"), out);
      assertTrue(out.matches("(?s).*frames in +\\d+.*verdicts out +\\d+.*keeping up .*"), out);
      assertTrue(out.contains("Stopped; removed " + dataDir), out);
      assertFalse(Files.exists(dataDir), dataDir + " still exists");
    }
  }

  private static List<Path> demoFolders() throws IOException {
    try (Stream<Path> entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return entries.filter(p -> p.getFileName().toString().startsWith("clipline-demo-"))
          .sorted().toList();
    }
  }
}
