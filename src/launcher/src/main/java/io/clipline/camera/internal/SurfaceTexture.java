package io.clipline.camera.internal;

import java.util.SplittableRandom;

/**
 * Industrial surface textures. Each renders a tileable grayscale base image in [0, 255] whose
 * look (grain direction, weave period, tile size) is drawn from the given random stream, so one
 * camera keeps one consistent surface.
 */
public enum SurfaceTexture {
  BRUSHED_METAL("brushed-metal", new float[] {1.06f, 1.0f, 0.94f}) {
    @Override
    public float[] render(int width, int height, SplittableRandom random) {
      int streak = Math.max(4, width / (10 + random.nextInt(10)));
      float[] grain = Blur.alongX(noiseField(width, height, random), width, height, streak);
      grain = Blur.alongY(grain, width, height, 1);
      float scale = (float) Math.sqrt((2 * streak + 1) * 3);
      float base = 130 + random.nextInt(40);
      float[] out = new float[width * height];
      for (int y = 0; y < height; y++) {
        float sheen = 12f * (float) Math.sin(Math.PI * y / height);
        for (int x = 0; x < width; x++) {
          out[y * width + x] = base + sheen + 22f * scale * grain[y * width + x] / 3f;
        }
      }
      return out;
    }
  },
  WOVEN("woven", new float[] {0.78f, 0.92f, 1.04f}) {
    @Override
    public float[] render(int width, int height, SplittableRandom random) {
      int period = 8 + random.nextInt(6);
      float[] fibre = Blur.alongX(noiseField(width, height, random), width, height, 1);
      float base = 105 + random.nextInt(30);
      float[] out = new float[width * height];
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          boolean warpOnTop = ((x / period) + (y / period)) % 2 == 0;
          double across = warpOnTop ? (y % period) / (double) period : (x % period) / (double) period;
          out[y * width + x] =
              base + 55f * (float) Math.sin(Math.PI * across) + 6f * fibre[y * width + x];
        }
      }
      return out;
    }
  },
  GRANULAR("granular", new float[] {0.72f, 0.86f, 1.02f}) {
    @Override
    public float[] render(int width, int height, SplittableRandom random) {
      float[] grains = noiseField(width, height, random);
      grains = Blur.alongY(Blur.alongX(grains, width, height, 1), width, height, 1);
      float base = 115 + random.nextInt(30);
      float[] out = new float[width * height];
      for (int i = 0; i < out.length; i++) {
        float speck = random.nextInt(100) == 0 ? 45f : 0f;
        out[i] = base + 3f * 30f * grains[i] / 2f + speck;
      }
      return out;
    }
  },
  TILE("tile", new float[] {0.66f, 0.80f, 1.02f}) {
    @Override
    public float[] render(int width, int height, SplittableRandom random) {
      int tile = Math.max(16, Math.min(width, height) / (3 + random.nextInt(4)));
      int grout = Math.max(2, tile / 16);
      int tilesX = width / tile + 2;
      int tilesY = height / tile + 2;
      float[] shades = new float[tilesX * tilesY];
      for (int i = 0; i < shades.length; i++) {
        shades[i] = (float) (random.nextDouble() * 30 - 15);
      }
      float[] glaze = Blur.alongY(Blur.alongX(noiseField(width, height, random), width, height, 2),
          width, height, 2);
      float base = 160 + random.nextInt(30);
      float[] out = new float[width * height];
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          boolean inGrout = x % tile < grout || y % tile < grout;
          float shade = shades[(y / tile) * tilesX + x / tile];
          out[y * width + x] =
              inGrout ? 70f + 4f * glaze[y * width + x] : base + shade + 12f * glaze[y * width + x];
        }
      }
      return out;
    }
  };

  private final String productName;
  private final float[] bgrTint;

  SurfaceTexture(String productName, float[] bgrTint) {
    this.productName = productName;
    this.bgrTint = bgrTint;
  }

  /** The product name a camera looking at this surface reports, e.g. {@code brushed-metal}. */
  public String productName() {
    return productName;
  }

  /** Multiplier of the gray value for the blue, green and red channel of a colour frame. */
  public float tint(int channel) {
    return bgrTint[channel];
  }

  /** Renders a base image of {@code width * height} gray values, row-major. */
  public abstract float[] render(int width, int height, SplittableRandom random);

  static float[] noiseField(int width, int height, SplittableRandom random) {
    float[] noise = new float[width * height];
    for (int i = 0; i < noise.length; i++) {
      noise[i] = (float) gaussian(random);
    }
    return noise;
  }

  /** A standard normal sample (Box–Muller); SplittableRandom has no nextGaussian in Java 17. */
  static double gaussian(SplittableRandom random) {
    double u = 1.0 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
