package io.clipline.imaging;

/**
 * Loads OpenCV's native library, once per class loader: the class initialiser runs exactly once,
 * and the JVM makes every other thread wait for it.
 */
final class OpenCvNatives {
  static {
    // Unpacks the library shipped in the org.openpnp:opencv jar to a temporary folder and loads it.
    nu.pattern.OpenCV.loadLocally();
  }

  private OpenCvNatives() {}

  /** Loads the library if this is the first call; afterwards does nothing. */
  static void load() {
    // The work is in the class initialiser.
  }
}
