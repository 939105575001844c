package io.clipline.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The {@code clipline} command in a child JVM with this test's classpath (and the launcher's
 * logging setup), its stdout and stderr collected line by line: for what only a real process
 * shows (signals, shutdown hooks, log output).
 */
final class LauncherProcess implements AutoCloseable {
  /** The repository's model folders, from the launcher module's folder (the tests' working dir). */
  static final Path MODELS = Path.of("..", "models").toAbsolutePath().normalize();

  private final Process process;
  private final List<String> lines = new ArrayList<>();
  private final Thread reader;

  private LauncherProcess(Process process) {
    this.process = process;
    this.reader = new Thread(this::read, "launcher-process-output");
    reader.setDaemon(true);
    reader.start();
  }

  static LauncherProcess start(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        // The launcher's own logging setup, not the test kit's log4j2-test.xml on this classpath.
        "-Dlog4j2.configurationFile=" + Path.of("src", "main", "resources", "log4j2.xml")
            .toAbsolutePath(),
        "-cp", System.getProperty("java.class.path"), Clipline.class.getName()));
    command.addAll(List.of(args));
    return new LauncherProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
  }

  private void read() {
    try (BufferedReader in = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        synchronized (lines) {
          lines.add(line);
          lines.notifyAll();
        }
      }
    } catch (IOException e) {
      // the process ended
    }
  }

  /** Waits until a line matches; {@code false} when the process ended or the time passed. */
  boolean awaitLine(Predicate<String> matching, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lines) {
      while (lines.stream().noneMatch(matching)) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0 || (!process.isAlive() && !reader.isAlive())) {
          return false;
        }
        lines.wait(Math.min(left, 200));
      }
      return true;
    }
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Sends SIGTERM, which the launcher's processes handle like Ctrl-C's SIGINT. */
  void terminate() {
    // Not Process.destroy(): that also closes the pipes, and the output after the signal is lost.
    process.toHandle().destroy();
  }

  /** Waits for the process and its output to end; its exit code. */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("still running after " + timeout + ":\n" + output());
    }
    reader.join(5_000);
    return process.exitValue();
  }

  List<String> lines() {
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }

  String output() {
    return String.join("\n", lines());
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
