package io.clipline.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code clipline} command in a child JVM (the launcher's main on this test's classpath),
 * its output in a log file, and the signals the fault scenarios send it: {@code kill -9},
 * {@code kill -STOP}, {@code kill -CONT}, and SIGTERM for a deliberate stop.
 *
 * <p>Every child ever started is killed when the test JVM exits, and {@link #close()} kills it
 * at once, so none outlives a failed test.
 */
final class ChildJvm implements AutoCloseable {
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
  private static final Duration SIGNAL_TIMEOUT = Duration.ofSeconds(10);

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(
        () -> LIVE.forEach(Process::destroyForcibly), "clipline-faults-children"));
  }

  private final String name;
  private final Path log;
  private final Process process;

  private ChildJvm(String name, Path log, Process process) {
    this.name = name;
    this.log = log;
    this.process = process;
  }

  /** Starts {@code clipline ARGS...} in a new JVM, stdout and stderr into {@code log}. */
  static ChildJvm clipline(String name, Path log, List<String> args) {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx384m", "-XX:+UseSerialGC",
        "-Dlog4j2.configurationFile="
            + FaultPaths.root().resolve("src/launcher/src/main/resources/log4j2.xml"),
        "-cp", FaultPaths.childClassPath(), "io.clipline.launcher.Clipline"));
    command.addAll(args);
    try {
      Files.createDirectories(log.getParent());
      Process process = new ProcessBuilder(command)
          .directory(FaultPaths.root().toFile())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .start();
      LIVE.add(process);
      return new ChildJvm(name, log, process);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** {@code kill -9}: the process ends at once, without running anything of its own. */
  void kill9() {
    signal("KILL");
    awaitExit(SIGNAL_TIMEOUT);
  }

  /** {@code kill -STOP}: frozen, sockets open, until {@link #resume()}. */
  void freeze() {
    signal("STOP");
  }

  /** {@code kill -CONT}. */
  void resume() {
    signal("CONT");
  }

  /** SIGTERM, as Ctrl-C or an orchestrator would stop it, and waits up to {@code timeout}. */
  int terminate(Duration timeout) {
    process.destroy();
    return awaitExit(timeout);
  }

  /** Waits for the process to end and returns its exit code; fails the test after the timeout. */
  int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(name + " did not exit within " + timeout + "\n" + tail());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted waiting for " + name, e);
    }
    LIVE.remove(process);
    return process.exitValue();
  }

  /**
   * Waits until a line of the log matches {@code pattern} and returns the first match's first
   * group (or the whole match); fails the test, with the log's tail, after {@code timeout} or
   * when the process ends first.
   */
  String awaitLine(Pattern pattern, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Matcher m = pattern.matcher(output());
      if (m.find()) {
        return m.groupCount() > 0 ? m.group(1) : m.group();
      }
      if (!process.isAlive()) {
        throw new AssertionError(name + " exited (" + process.exitValue() + ") before printing "
            + pattern + "\n" + tail());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(name + " did not print " + pattern + " within " + timeout
            + "\n" + tail());
      }
      FaultClock.sleep(Duration.ofMillis(100));
    }
  }

  /** Everything the process printed so far. */
  String output() {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The last lines of the log, for failure messages. */
  String tail() {
    String out = output();
    return "--- last output of " + name + " (" + log + ") ---\n"
        + out.substring(Math.max(0, out.length() - 4_000));
  }

  /** Kills the process at once (a frozen one too) and waits for it. */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(SIGNAL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    LIVE.remove(process);
  }

  private void signal(String signal) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
          .redirectErrorStream(true).start();
      if (!kill.waitFor(SIGNAL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || kill.exitValue() != 0) {
        throw new AssertionError("kill -" + signal + " " + process.pid() + " (" + name
            + ") failed: " + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run kill", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted sending " + signal + " to " + name, e);
    }
  }
}
