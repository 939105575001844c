package io.clipline.camera;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The real datasets beside the repository ({@code shared/datasets}), for tests that run on them
 * where they are present and are skipped with {@link #absentMessage} where not. {@code
 * -Dclipline.datasets=<folder>} points to the datasets elsewhere.
 */
public final class SharedDatasets {
  /** The magnetic tile manifest: grayscale JPEGs, normal and with five defect types. */
  public static final String MAGNETIC_TILE = "shared/datasets/magnetic_tile/manifest.csv";

  private SharedDatasets() {}

  /** Looks for {@code relative} in the working directory and each folder above it. */
  public static Optional<Path> find(String relative) {
    String override = System.getProperty("clipline.datasets");
    if (override != null) {
      Path candidate = Path.of(override).resolve(relative.replaceFirst("^shared/datasets/", ""));
      return Files.isRegularFile(candidate) ? Optional.of(candidate) : Optional.empty();
    }
    for (Path folder = Path.of("").toAbsolutePath(); folder != null; folder = folder.getParent()) {
      Path candidate = folder.resolve(relative);
      if (Files.isRegularFile(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** Why a test that needs {@code relative} did not run. */
  public static String absentMessage(String relative) {
    return "skipped: " + relative + " not found above " + Path.of("").toAbsolutePath()
        + " (set -Dclipline.datasets=<folder with magnetic_tile>)";
  }
}
