package io.clipline.camera.internal;

import java.util.SplittableRandom;

/** Derives independent, reproducible random streams from one seed and a few coordinates. */
public final class Seeds {
  private Seeds() {}

  /** A random stream that depends only on the seed and the two coordinates. */
  public static SplittableRandom stream(long seed, long first, long second) {
    return new SplittableRandom(mix(mix(mix(seed) ^ first) ^ second));
  }

  /** SplitMix64's finaliser: every input bit affects every output bit. */
  static long mix(long value) {
    long z = value + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
