package io.clipline.camera.internal;

import io.clipline.camera.DefectKind;
import io.clipline.camera.DefectMask;
import java.util.SplittableRandom;

/**
 * Paints one defect onto a grayscale frame in place and returns the mask of the pixels it
 * changed. Sizes scale with the frame, so a defect looks alike at 128 and at 1024 pixels.
 */
public final class DefectPainter {
  private static final byte MASKED = (byte) 255;

  private final int width;
  private final int height;
  private final double scale;

  public DefectPainter(int width, int height) {
    this.width = width;
    this.height = height;
    this.scale = Math.min(width, height) / 256.0;
  }

  /**
   * Paints {@code kind} onto {@code gray} (row-major values in [0, 255]).
   *
   * @return the defect's mask; never empty
   */
  public DefectMask paint(DefectKind kind, int[] gray, SplittableRandom random) {
    if (gray.length != width * height) {
      throw new IllegalArgumentException("frame of " + width + "x" + height + " needs "
          + width * height + " pixels, got " + gray.length);
    }
    byte[] mask = new byte[gray.length];
    switch (kind) {
      case SCRATCH -> scratch(gray, mask, random);
      case HOLE -> hole(gray, mask, random);
      case CRACK -> crack(gray, mask, random);
      case STAIN -> stain(gray, mask, random);
      default -> throw new IllegalArgumentException("no painter for defect kind " + kind);
    }
    return new DefectMask(width, height, mask);
  }

  private void scratch(int[] gray, byte[] mask, SplittableRandom random) {
    int delta = random.nextBoolean() ? 80 : -80;
    double length = Math.min(width, height) * (0.3 + 0.3 * random.nextDouble());
    double angle = random.nextDouble() * Math.PI;
    double cx = margin(width, random);
    double cy = margin(height, random);
    double dx = Math.cos(angle) * length / 2;
    double dy = Math.sin(angle) * length / 2;
    int thickness = 1 + (scale >= 2 ? 1 : 0) + (random.nextInt(3) == 0 ? 1 : 0);
    line(cx - dx, cy - dy, cx + dx, cy + dy, thickness, mask);
    shiftMasked(gray, mask, delta);
  }

  private void hole(int[] gray, byte[] mask, SplittableRandom random) {
    double radius = Math.max(3, scale * (4 + 8 * random.nextDouble()));
    double cx = margin(width, random);
    double cy = margin(height, random);
    int dark = 12 + random.nextInt(14);
    for (int y = (int) (cy - radius); y <= cy + radius; y++) {
      for (int x = (int) (cx - radius); x <= cx + radius; x++) {
        if (inside(x, y) && Math.hypot(x - cx, y - cy) <= radius) {
          int i = y * width + x;
          mask[i] = MASKED;
          gray[i] = Math.min(dark, gray[i] / 4);
        }
      }
    }
  }

  private void crack(int[] gray, byte[] mask, SplittableRandom random) {
    double x = margin(width, random);
    double y = margin(height, random);
    double heading = random.nextDouble() * 2 * Math.PI;
    double step = 2.5 * Math.max(1, scale);
    int steps = 25 + random.nextInt(45);
    int thickness = scale >= 2 ? 2 : 1;
    for (int s = 0; s < steps; s++) {
      heading += 0.45 * SurfaceTexture.gaussian(random);
      double nx = x + Math.cos(heading) * step;
      double ny = y + Math.sin(heading) * step;
      line(x, y, nx, ny, thickness, mask);
      x = nx;
      y = ny;
    }
    for (int i = 0; i < gray.length; i++) {
      if (mask[i] != 0) {
        gray[i] = Math.min(gray[i] * 35 / 100, Math.max(0, gray[i] - 40));
      }
    }
  }

  private void stain(int[] gray, byte[] mask, SplittableRandom random) {
    double radiusX = scale * (15 + 20 * random.nextDouble());
    double radiusY = radiusX * (0.6 + 0.6 * random.nextDouble());
    double cx = margin(width, random);
    double cy = margin(height, random);
    int sign = random.nextBoolean() ? 1 : -1;
    double strength = 20 + 12 * random.nextDouble();
    for (int y = (int) (cy - radiusY); y <= cy + radiusY; y++) {
      for (int x = (int) (cx - radiusX); x <= cx + radiusX; x++) {
        if (!inside(x, y)) {
          continue;
        }
        double r = Math.hypot((x - cx) / radiusX, (y - cy) / radiusY);
        double falloff = 1 - r * r;
        if (falloff >= 0.35) {
          int i = y * width + x;
          int shifted = gray[i] + sign * (int) Math.round(strength * falloff);
          if (shifted < 0 || shifted > 255) {
            // Near black or white the stain shows the other way, so it always changes pixels.
            shifted = gray[i] - sign * (int) Math.round(strength * falloff);
          }
          gray[i] = shifted;
          mask[i] = MASKED;
        }
      }
    }
  }

  /** A coordinate at least a tenth of the extent away from both borders. */
  private static double margin(int extent, SplittableRandom random) {
    return extent * (0.1 + 0.8 * random.nextDouble());
  }

  private void line(double x0, double y0, double x1, double y1, int thickness, byte[] mask) {
    int steps = (int) Math.ceil(2 * Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))) + 1;
    for (int s = 0; s <= steps; s++) {
      double t = s / (double) steps;
      int px = (int) Math.round(x0 + t * (x1 - x0));
      int py = (int) Math.round(y0 + t * (y1 - y0));
      for (int oy = 0; oy < thickness; oy++) {
        for (int ox = 0; ox < thickness; ox++) {
          if (inside(px + ox, py + oy)) {
            mask[(py + oy) * width + px + ox] = MASKED;
          }
        }
      }
    }
  }

  private static void shiftMasked(int[] gray, byte[] mask, int delta) {
    for (int i = 0; i < gray.length; i++) {
      if (mask[i] != 0) {
        int shifted = gray[i] + delta;
        gray[i] = shifted < 0 || shifted > 255 ? clamp(gray[i] - delta) : shifted;
      }
    }
  }

  private boolean inside(int x, int y) {
    return x >= 0 && y >= 0 && x < width && y < height;
  }

  static int clamp(int value) {
    return Math.max(0, Math.min(255, value));
  }
}
