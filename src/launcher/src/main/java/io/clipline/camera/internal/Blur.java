package io.clipline.camera.internal;

/** Box blurs with wrap-around edges, so blurred textures stay tileable. */
final class Blur {
  private Blur() {}

  /** Mean over a horizontal window of {@code 2 * radius + 1} pixels. */
  static float[] alongX(float[] in, int width, int height, int radius) {
    float[] out = new float[in.length];
    int window = 2 * radius + 1;
    for (int y = 0; y < height; y++) {
      int row = y * width;
      float sum = 0;
      for (int k = -radius; k <= radius; k++) {
        sum += in[row + Math.floorMod(k, width)];
      }
      for (int x = 0; x < width; x++) {
        out[row + x] = sum / window;
        sum += in[row + Math.floorMod(x + radius + 1, width)]
            - in[row + Math.floorMod(x - radius, width)];
      }
    }
    return out;
  }

  /** Mean over a vertical window of {@code 2 * radius + 1} pixels. */
  static float[] alongY(float[] in, int width, int height, int radius) {
    float[] out = new float[in.length];
    int window = 2 * radius + 1;
    for (int x = 0; x < width; x++) {
      float sum = 0;
      for (int k = -radius; k <= radius; k++) {
        sum += in[Math.floorMod(k, height) * width + x];
      }
      for (int y = 0; y < height; y++) {
        out[y * width + x] = sum / window;
        sum += in[Math.floorMod(y + radius + 1, height) * width + x]
            - in[Math.floorMod(y - radius, height) * width + x];
      }
    }
    return out;
  }
}
