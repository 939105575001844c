package io.clipline.imaging;

/**
 * Upper bounds a frame must respect before any decoding happens: they keep a malicious or broken
 * camera (a decompression bomb, a 30000 × 30000 PNG header) from exhausting a worker's memory.
 *
 * @param maxBytes the largest encoded frame accepted, in bytes
 * @param maxPixels the largest width × height accepted
 */
public record FrameLimits(int maxBytes, long maxPixels) {

  /** 32 MiB and 50 megapixels: above any industrial camera in common use. */
  public static final FrameLimits DEFAULT = new FrameLimits(32 << 20, 50_000_000L);

  public FrameLimits {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes: expected > 0, got " + maxBytes);
    }
    if (maxPixels <= 0) {
      throw new IllegalArgumentException("maxPixels: expected > 0, got " + maxPixels);
    }
  }
}
