package io.clipline.imaging;

import io.clipline.model.ModelManifest;
import io.clipline.model.ModelManifest.ChannelOrder;
import io.clipline.model.ModelManifest.ImageTower;
import io.clipline.model.ModelManifest.ResizeMode;
import java.util.Objects;
import java.util.Optional;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * Turns a {@link DecodedFrame} into the image tower's input exactly as its manifest declares:
 * resize ({@code SHORT_SIDE_CENTER_CROP} or {@code STRETCH}, with the declared interpolation; or,
 * for {@code LETTERBOX} and {@code TILE}, the tiles of a {@link TileLayout}),
 * channel order ({@code RGB} or {@code BGR}, grayscale replicated to three channels), scaling to
 * [0, 1], the per-image contrast normalisation if the manifest declares one (over the resized
 * frame, before it is cut into tiles, so that every tile of a frame is normalised alike), then
 * {@code (x - mean) / std} per channel, written as planar CHW floats.
 *
 * <p>{@code SHORT_SIDE_CENTER_CROP} scales the frame, keeping its aspect ratio, to the smallest
 * size that covers the input (for a square input: the short side becomes the input size; the long
 * side is rounded down), then takes the centre (offsets rounded down). Thread-safe.
 */
public final class Preprocessor {
  private final ImageTower spec;
  private final int interpolation;
  /**
   * Normalised value of every byte value, per tensor channel: {@code (v / 255 - mean) / std};
   * without contrast normalisation, the table of every frame.
   */
  private final float[][] table = new float[3][256];

  public Preprocessor(ImageTower spec) {
    this.spec = spec;
    switch (spec.interpolation()) {
      case BICUBIC:
        interpolation = Imgproc.INTER_CUBIC;
        break;
      case BILINEAR:
        interpolation = Imgproc.INTER_LINEAR;
        break;
      case AREA:
        interpolation = Imgproc.INTER_AREA;
        break;
      default:
        throw new AssertionError(spec.interpolation());
    }
    float[] mean = spec.mean();
    float[] std = spec.std();
    for (int c = 0; c < 3; c++) {
      for (int v = 0; v < 256; v++) {
        table[c][v] = (v / 255f - mean[c]) / std[c];
      }
    }
    OpenCvNatives.load();
  }

  /** Floats written per image: {@code 3 * height * width} of the manifest. */
  public int sampleSize() {
    return spec.sampleSize();
  }

  /** Whether the manifest's resize mode cuts a frame into tiles ({@link #tiles}). */
  public boolean tiling() {
    return spec.resize() == ResizeMode.LETTERBOX || spec.resize() == ResizeMode.TILE;
  }

  /**
   * {@code frame} made ready for the tower: resized as the manifest says (to the input size, or,
   * under a tiling resize mode, once to its {@link TileLayout}'s content size), with the
   * byte-to-input table of its pixels. This is the costly part of preprocessing (the resize reads
   * every frame pixel); {@link PreparedFrame#write} is a copy. Any thread; the worker runs it on
   * its decode threads, so that the model thread only copies.
   */
  public PreparedFrame prepare(DecodedFrame frame) {
    int w = frame.width();
    int h = frame.height();
    if (tiling()) {
      TileLayout layout = TileLayout.of(w, h, spec);
      int cw = layout.x().content();
      int ch = layout.y().content();
      byte[] content = cw == w && ch == h ? frame.pixels() : resize(frame, cw, ch);
      return new PreparedFrame(layout, layout.crop(), content, frame.channels(), cw, ch, 0, 0,
          tableFor(content));
    }
    int outW = spec.width();
    int outH = spec.height();
    int resizedW = outW;
    int resizedH = outH;
    if (spec.resize() == ResizeMode.SHORT_SIDE_CENTER_CROP) {
      if ((long) w * outH <= (long) h * outW) { // width limits: it becomes outW
        resizedH = (int) ((long) h * outW / w);
      } else {
        resizedW = (int) ((long) w * outH / h);
      }
    }
    int cropX = (resizedW - outW) / 2;
    int cropY = (resizedH - outH) / 2;
    byte[] resized = resize(frame, resizedW, resizedH);
    double scaleX = (double) w / resizedW;
    double scaleY = (double) h / resizedH;
    CropGeometry crop =
        new CropGeometry(w, h, cropX * scaleX, cropY * scaleY, outW * scaleX, outH * scaleY);
    return new PreparedFrame(null, crop, resized, frame.channels(), resizedW, resizedH, cropX,
        cropY, tableFor(resized));
  }

  /**
   * The byte-to-input table for one frame's (resized) pixels: the fixed table, or, with a
   * contrast normalisation, one that first maps the frame's pixel mean and standard deviation
   * to the declared ones. A flat frame (standard deviation under one grey level) is only shifted.
   */
  private float[][] tableFor(byte[] pixels) {
    if (spec.contrast().isEmpty()) {
      return table;
    }
    ModelManifest.Contrast contrast = spec.contrast().get();
    long[] histogram = new long[256];
    for (byte b : pixels) {
      histogram[b & 0xFF]++;
    }
    double sum = 0;
    double sumSquares = 0;
    for (int v = 0; v < 256; v++) {
      sum += histogram[v] * (double) v;
      sumSquares += histogram[v] * (double) v * v;
    }
    double n = Math.max(1, pixels.length);
    double mean = sum / n / 255;
    double std = Math.sqrt(Math.max(0, sumSquares / n - (sum / n) * (sum / n))) / 255;
    double gain = contrast.std() / Math.max(std, 1.0 / 255);
    float[] channelMean = spec.mean();
    float[] channelStd = spec.std();
    float[][] frameTable = new float[3][256];
    for (int c = 0; c < 3; c++) {
      for (int v = 0; v < 256; v++) {
        double x = (v / 255.0 - mean) * gain + contrast.mean();
        frameTable[c][v] = (float) ((x - channelMean[c]) / channelStd[c]);
      }
    }
    return frameTable;
  }

  /**
   * A frame {@link #prepare}d for the tower of the {@link Preprocessor} that made it: its pixels
   * resized, and where they lie in the frame. Untiled, it is one input image; under a tiling
   * resize mode, the {@link #tiles} of its {@link #layout}. Immutable; write it from any thread.
   */
  public final class PreparedFrame {
    private final TileLayout layout;
    private final CropGeometry crop;
    private final byte[] pixels;
    private final int channels;
    private final int width;
    private final int height;
    private final int left;
    private final int top;
    private final float[][] frameTable;

    private PreparedFrame(TileLayout layout, CropGeometry crop, byte[] pixels, int channels,
        int width, int height, int left, int top, float[][] frameTable) {
      this.layout = layout;
      this.crop = crop;
      this.pixels = pixels;
      this.channels = channels;
      this.width = width;
      this.height = height;
      this.left = left;
      this.top = top;
      this.frameTable = frameTable;
    }

    /** The frame's tile layout under a tiling resize mode; empty otherwise. */
    public Optional<TileLayout> layout() {
      return Optional.ofNullable(layout);
    }

    /** Input images this frame writes: its layout's tiles, or 1 untiled. */
    public int tiles() {
      return layout == null ? 1 : layout.tiles();
    }

    /** Where the written input (all tiles together) lies in the frame. */
    public CropGeometry crop() {
      return crop;
    }

    /** Whether {@code preprocessor} made this frame (and so its input size and order are its). */
    public boolean preparedBy(Preprocessor preprocessor) {
      return Preprocessor.this == preprocessor;
    }

    /**
     * Writes input image {@code tile} ({@code 0 .. tiles() - 1}) into {@code dest[offset, offset +
     * sampleSize())}. Under a tiling mode, input pixels outside the content are padding, written
     * as 0: the per-channel mean, so that padding is "no signal" after normalisation, like the
     * zero padding of the network's own convolutions, and a defect at the frame's edge is not
     * replicated into it (as edge replication would).
     *
     * @throws IndexOutOfBoundsException if there is no such tile
     * @throws IllegalArgumentException if {@code dest} has no room for one image at {@code offset}
     */
    public void write(int tile, float[] dest, int offset) {
      Objects.checkIndex(tile, tiles());
      checkRoom(dest, offset);
      int x = left;
      int y = top;
      if (layout != null) {
        x = layout.x().start(tile % layout.x().count());
        y = layout.y().start(tile / layout.x().count());
      }
      writeWindow(pixels, channels, width, height, x, y, frameTable, dest, offset);
    }
  }

  /**
   * Writes the model input for {@code frame} into {@code dest[offset, offset + sampleSize())}:
   * {@link #prepare} and {@link PreparedFrame#write} at once.
   *
   * @return where the written input lies in the frame
   * @throws IllegalArgumentException if {@code dest} has no room for one image at {@code offset}
   * @throws IllegalStateException if the resize mode tiles: use {@link #prepare}
   */
  public CropGeometry preprocess(DecodedFrame frame, float[] dest, int offset) {
    if (tiling()) {
      throw new IllegalStateException("resize " + spec.resize() + " tiles: use prepare(frame)");
    }
    checkRoom(dest, offset);
    PreparedFrame prepared = prepare(frame);
    prepared.write(0, dest, offset);
    return prepared.crop();
  }

  private void checkRoom(float[] dest, int offset) {
    if (offset < 0 || (long) offset + sampleSize() > dest.length) {
      throw new IllegalArgumentException(
          "dest: expected room for " + sampleSize() + " floats at offset " + offset + ", length is "
              + dest.length);
    }
  }

  private byte[] resize(DecodedFrame frame, int width, int height) {
    int channels = frame.channels();
    Mat source = new Mat(frame.height(), frame.width(), CvType.CV_8UC(channels));
    Mat resized = new Mat();
    try {
      source.put(0, 0, frame.pixels());
      Imgproc.resize(source, resized, new Size(width, height), 0, 0, interpolation);
      byte[] pixels = new byte[width * height * channels];
      resized.get(0, 0, pixels);
      return pixels;
    } finally {
      // Reverse order of creation; neither shares memory with the other.
      resized.release();
      source.release();
    }
  }

  /**
   * Writes the input-size window at ({@code left}, {@code top}) of a {@code width × height}
   * image as CHW floats; pixels outside the image are 0 (the mean).
   */
  private void writeWindow(byte[] pixels, int channels, int width, int height, int left, int top,
      float[][] values, float[] dest, int offset) {
    int outW = spec.width();
    int outH = spec.height();
    int plane = outW * outH;
    int[] source = sourceChannels(channels);
    for (int y = 0; y < outH; y++) {
      int sy = y + top;
      int out = offset + y * outW;
      for (int x = 0; x < outW; x++) {
        int sx = x + left;
        if (sy < 0 || sy >= height || sx < 0 || sx >= width) {
          for (int c = 0; c < 3; c++) {
            dest[out + x + c * plane] = 0f;
          }
          continue;
        }
        int pixel = (sy * width + sx) * channels;
        for (int c = 0; c < 3; c++) {
          dest[out + x + c * plane] = values[c][pixels[pixel + source[c]] & 0xFF];
        }
      }
    }
  }

  /** Source byte within a pixel for each tensor channel; pixels are gray or B, G, R. */
  private int[] sourceChannels(int channels) {
    return channels == 1
        ? new int[] {0, 0, 0}
        : spec.channels() == ChannelOrder.RGB ? new int[] {2, 1, 0} : new int[] {0, 1, 2};
  }
}
