package io.clipline.camera;

import io.clipline.camera.internal.DefectPainter;
import io.clipline.camera.internal.FrameImageWriter;
import io.clipline.camera.internal.Seeds;
import io.clipline.camera.internal.SurfaceTexture;
import io.clipline.schemas.FrameEncoding;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The default frame source, which needs no data: textured industrial surfaces (brushed metal,
 * woven, granular, tile) with injected scratches, holes, cracks and stains.
 *
 * <p>Each camera looks at one surface, whose texture is fixed by the seed and the camera index;
 * every frame varies it slightly (illumination gain and offset, sensor noise, a shift of a few
 * pixels). A frame is defective with probability {@code defectRate}; its ground truth carries the
 * defect type and a mask of the changed pixels, and a normal frame carries an empty mask. The same
 * seed, camera and sequence always give the same bytes.
 */
public final class ProceduralSurfaces implements FrameSource {
  /** How far, in pixels, a surface may shift between frames. */
  private static final int MAX_SHIFT = 8;

  private static final SurfaceTexture[] TEXTURES = SurfaceTexture.values();
  private static final DefectKind[] DEFECTS = DefectKind.values();

  /**
   * What to render.
   *
   * @param width frame width in pixels
   * @param height frame height in pixels
   * @param color B,G,R frames when true, 8-bit gray when false
   * @param encoding PNG, JPEG, GRAY8 (gray only) or BGR8 (color only)
   * @param defectRate probability in [0, 1] that a frame shows a defect
   * @param seed fixes every texture, variation and defect
   */
  public record Options(
      int width, int height, boolean color, FrameEncoding encoding, double defectRate,
      long seed) {
    public Options {
      checkSize("width", width);
      checkSize("height", height);
      if (encoding == null || encoding == FrameEncoding.UNKNOWN) {
        throw new IllegalArgumentException(
            "encoding must be JPEG, PNG, GRAY8 or BGR8, got " + encoding);
      }
      if (encoding == FrameEncoding.GRAY8 && color) {
        throw new IllegalArgumentException(
            "encoding GRAY8 needs color = false, got color = true");
      }
      if (encoding == FrameEncoding.BGR8 && !color) {
        throw new IllegalArgumentException(
            "encoding BGR8 needs color = true, got color = false");
      }
      if (!(defectRate >= 0 && defectRate <= 1)) {
        throw new IllegalArgumentException("defectRate must be in [0, 1], got " + defectRate);
      }
    }

    /** 256x256 gray PNG frames, 10 % defective. */
    public static Options defaults(long seed) {
      return new Options(256, 256, false, FrameEncoding.PNG, 0.1, seed);
    }

    private static void checkSize(String field, int value) {
      if (value < 32 || value > 8192) {
        throw new IllegalArgumentException(field + " must be in [32, 8192] pixels, got " + value);
      }
    }
  }

  private final Options options;
  private final DefectPainter painter;
  private final Map<Integer, float[]> surfaces = new ConcurrentHashMap<>();

  public ProceduralSurfaces(Options options) {
    this.options = options;
    this.painter = new DefectPainter(options.width(), options.height());
  }

  public Options options() {
    return options;
  }

  @Override
  public SourceFrame frameFor(int cameraIndex, long sequence) {
    int width = options.width();
    int height = options.height();
    // Consecutive cameras look at different textures.
    SurfaceTexture texture = TEXTURES[Math.floorMod(cameraIndex, TEXTURES.length)];
    SplittableRandom random = Seeds.stream(options.seed(), cameraIndex, sequence);

    int[] gray = vary(surfaceOf(cameraIndex, texture), random);
    GroundTruth truth;
    if (random.nextDouble() < options.defectRate()) {
      DefectKind kind = DEFECTS[random.nextInt(DEFECTS.length)];
      truth = GroundTruth.defective(kind.typeName(), Optional.of(painter.paint(kind, gray, random)));
    } else {
      truth = GroundTruth.normal(Optional.of(DefectMask.empty(width, height)));
    }
    int channels = options.color() ? 3 : 1;
    byte[] image = FrameImageWriter.encode(
        pixels(gray, texture, channels), width, height, channels, options.encoding());
    return new SourceFrame(image, options.encoding(), width, height, texture.productName(), truth);
  }

  @Override
  public String description() {
    return "procedural surfaces " + options.width() + "x" + options.height()
        + (options.color() ? " BGR " : " gray ") + options.encoding() + ", defect rate "
        + options.defectRate() + ", seed " + options.seed();
  }

  /** The camera's fixed surface, a few pixels larger than the frame so it can shift. */
  private float[] surfaceOf(int cameraIndex, SurfaceTexture texture) {
    return surfaces.computeIfAbsent(cameraIndex, index -> texture.render(
        options.width() + MAX_SHIFT, options.height() + MAX_SHIFT,
        Seeds.stream(options.seed(), index, -1)));
  }

  /** This frame's view of the surface: shifted, with its own illumination and sensor noise. */
  private int[] vary(float[] surface, SplittableRandom random) {
    int width = options.width();
    int height = options.height();
    int stride = width + MAX_SHIFT;
    int dx = random.nextInt(MAX_SHIFT + 1);
    int dy = random.nextInt(MAX_SHIFT + 1);
    double gain = 0.92 + 0.16 * random.nextDouble();
    double offset = random.nextDouble() * 16 - 8;
    int[] gray = new int[width * height];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        // The sum of three uniforms is a cheap, bell-shaped noise with a deviation of 2.5 levels.
        double noise =
            (random.nextDouble() + random.nextDouble() + random.nextDouble() - 1.5) * 5;
        double value = surface[(y + dy) * stride + x + dx] * gain + offset + noise;
        gray[y * width + x] = (int) Math.max(0, Math.min(255, Math.round(value)));
      }
    }
    return gray;
  }

  private static byte[] pixels(int[] gray, SurfaceTexture texture, int channels) {
    byte[] pixels = new byte[gray.length * channels];
    if (channels == 1) {
      for (int i = 0; i < gray.length; i++) {
        pixels[i] = (byte) gray[i];
      }
      return pixels;
    }
    for (int i = 0; i < gray.length; i++) {
      for (int c = 0; c < 3; c++) {
        pixels[i * 3 + c] = (byte) Math.min(255, Math.round(gray[i] * texture.tint(c)));
      }
    }
    return pixels;
  }
}
