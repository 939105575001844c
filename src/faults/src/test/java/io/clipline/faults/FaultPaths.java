package io.clipline.faults;

import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/** Where the suite finds the repository and the classpath for its child JVMs, and writes. */
final class FaultPaths {
  private FaultPaths() {}

  /** The repository root (Maven passes it; from the module directory otherwise). */
  static Path root() {
    String root = System.getProperty("clipline.root");
    return (root == null ? Path.of("../..") : Path.of(root)).toAbsolutePath().normalize();
  }

  /** Where the runs keep their logs, broker data and the results table. */
  static Path output() {
    String dir = System.getProperty("clipline.faults.dir");
    return (dir == null ? Path.of("target/faults") : Path.of(dir)).toAbsolutePath();
  }

  /** This test's classpath without its own test classes: the launcher and all it needs. */
  static String childClassPath() {
    String classPath = System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path"));
    return Arrays.stream(classPath.split(File.pathSeparator))
        .filter(entry -> !entry.endsWith("test-classes"))
        .collect(Collectors.joining(File.pathSeparator));
  }
}
