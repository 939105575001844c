package io.clipline.model;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A model folder's manifest, {@code clipline-model.json}, as specified in {@code
 * docs/MODEL_FORMAT.md}: the image tower's file, input size, preprocessing and outputs, and
 * optionally the text tower. The worker reads everything about a model from here and hard-codes
 * none of it.
 *
 * <p>Instances are immutable and valid: each record checks its own fields in its constructor, and
 * {@link #load} additionally checks that the files named exist in the folder. Messages name the
 * manifest key at fault, relative to the record that rejects it ({@code mean: expected 3 numbers,
 * got 2}); {@link #load} prefixes them with the full key path and the file.
 *
 * @param folder the model folder; file names in the manifest are relative to it
 * @param name model name and version, copied into every verdict
 * @param kind what sort of model this is
 * @param description free text, empty when the manifest has none
 * @param image the image tower
 * @param text the text tower; empty for rarity-only models
 * @param patchProjection ONNX file mapping patch tokens into the text space; empty when
 *     training-free
 */
public record ModelManifest(
    Path folder,
    String name,
    Kind kind,
    String description,
    ImageTower image,
    Optional<TextTower> text,
    Optional<String> patchProjection) {

  /** The manifest's file name inside a model folder. */
  public static final String FILE_NAME = "clipline-model.json";

  /** The manifest format version this class reads. */
  public static final int FORMAT = 1;

  public ModelManifest {
    Objects.requireNonNull(folder, "folder");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(patchProjection, "patchProjection");
    requireText("name", name);
    patchProjection.ifPresent(file -> requireText("patchProjection", file));
  }

  /**
   * Reads and validates {@code <folder>/clipline-model.json} and checks that the files it names
   * exist.
   *
   * @throws ModelException if the folder or manifest is missing (the message says how to make
   *     the folder), the manifest is not valid JSON, or a key is missing, unknown or invalid (the
   *     message names the key path and the file)
   */
  public static ModelManifest load(Path folder) {
    return ManifestReader.read(folder);
  }

  /** Resolves a file name from the manifest against the model folder. */
  public Path resolve(String file) {
    return folder.resolve(file);
  }

  /** What sort of model a folder holds, spelt in the manifest as {@link #id()}. */
  public enum Kind {
    /** A real CLIP export. */
    CLIP("clip"),
    /** CLIP-shaped with random weights: plumbing only, its scores mean nothing. */
    CLIP_RANDOM("clip-random"),
    /** The training-free texture encoder (a fixed filter bank), without a text tower. */
    TEXTURE("texture"),
    /**
     * Early stages of a pretrained convolutional network (e.g. ImageNet MobileNetV2), without a
     * text tower: patch features for rarity-only scoring.
     */
    CNN("cnn");

    private final String id;

    Kind(String id) {
      this.id = id;
    }

    /** The manifest's spelling of this kind. */
    public String id() {
      return id;
    }
  }

  /** How a frame is brought to the model's input size. */
  public enum ResizeMode {
    /** Resize so the image covers the input size, keeping its aspect ratio, then centre crop. */
    SHORT_SIDE_CENTER_CROP,
    /** Resize to the input size, ignoring the aspect ratio. */
    STRETCH,
    /**
     * Scale the frame to fit the input, keeping its aspect ratio (to within half a grid cell),
     * and pad the rest; the map covers the frame only. See {@code imaging.TileLayout}.
     */
    LETTERBOX,
    /**
     * Cover the frame, optionally scaled by {@link Tiling#scale()}, with input-size tiles that
     * overlap by {@link Tiling#overlap()}, stitched into one frame-level grid. See {@code
     * imaging.TileLayout}.
     */
    TILE
  }

  /**
   * How {@link ResizeMode#TILE} covers a frame: the frame is scaled by {@code scale} (its size
   * rounded to whole grid cells), then covered by tiles of the model's input size whose
   * neighbours overlap by {@code overlap} input pixels (the last tile of a row or column is
   * moved back to end at the frame's edge, so it may overlap more). A tile thus covers {@code
   * width / scale} × {@code height / scale} frame pixels.
   *
   * @param overlap input pixels shared by neighbouring tiles; a multiple of the grid cell in both
   *     directions, smaller than the input
   * @param scale factor applied to the frame before tiling, in (0, 16]; below 1 for very large
   *     frames so that they do not give hundreds of tiles
   */
  public record Tiling(int overlap, double scale) {
    public Tiling {
      if (overlap < 0) {
        throw new IllegalArgumentException("overlap: expected >= 0, got " + overlap);
      }
      if (!(scale > 0 && scale <= 16)) {
        throw new IllegalArgumentException("scale: expected a number in (0, 16], got " + scale);
      }
    }
  }

  /**
   * Per-image contrast normalisation, applied to a frame's pixels (scaled to [0, 1]) after the
   * resize and before the per-channel {@code mean} and {@code std}: {@code x' = (x - m) / s *
   * std + mean}, where {@code m} and {@code s} are the mean and standard deviation of all the
   * frame's pixel values (every channel together, so colours keep their relations). It makes a
   * dim and a bright exposure of the same surface look alike to the tower; see docs/QUALITY.md
   * for what it measured.
   *
   * @param mean the mean the frame is shifted to, in (0, 1)
   * @param std the standard deviation the frame is scaled to, in (0, 1)
   */
  public record Contrast(double mean, double std) {
    public Contrast {
      if (!(mean > 0 && mean < 1)) {
        throw new IllegalArgumentException("mean: expected a number in (0, 1), got " + mean);
      }
      if (!(std > 0 && std < 1)) {
        throw new IllegalArgumentException("std: expected a number in (0, 1), got " + std);
      }
    }
  }

  /** The interpolation used when resizing. */
  public enum Interpolation {
    BICUBIC,
    BILINEAR,
    AREA
  }

  /** The channel order of the image tensor. */
  public enum ChannelOrder {
    RGB,
    BGR
  }

  /**
   * The image tower: input {@code float32 [N, 3, height, width]}, outputs a global embedding
   * {@code [N, E]} (optional) and one patch-token tensor {@code [N, rows*cols, dim]} per layer.
   *
   * @param file ONNX file, relative to the folder
   * @param fp16File optional fp16 variant of {@code file} with the same float32 inputs and outputs
   * @param input input name
   * @param height input height in pixels
   * @param width input width in pixels
   * @param resize how frames are brought to the input size
   * @param interpolation resize interpolation
   * @param channels channel order of the tensor
   * @param mean per channel (in tensor channel order), subtracted after scaling to [0, 1]
   * @param std per channel (in tensor channel order), divided by after subtracting the mean
   * @param gridRows patch grid rows
   * @param gridCols patch grid columns
   * @param embedding output name of the global embedding, if the tower has one
   * @param patches patch outputs, at least one
   * @param tile how {@link ResizeMode#TILE} tiles a frame; present exactly when {@code resize} is
   *     {@code TILE}
   * @param contrast per-image contrast normalisation before {@code mean} and {@code std}, if any
   * @param views the test-time views the tower runs on each image, {@link ViewTransform#IDENTITY}
   *     among them, each once; {@code [IDENTITY]} for one pass. Each other view adds one layer per
   *     patch output (see {@link ImageFeatures#layers()})
   */
  public record ImageTower(
      String file,
      Optional<String> fp16File,
      String input,
      int height,
      int width,
      ResizeMode resize,
      Interpolation interpolation,
      ChannelOrder channels,
      float[] mean,
      float[] std,
      int gridRows,
      int gridCols,
      Optional<String> embedding,
      List<PatchOutput> patches,
      Optional<Tiling> tile,
      Optional<Contrast> contrast,
      List<ViewTransform> views) {

    /** A tower that does not tile ({@code resize} other than {@code TILE}), without contrast. */
    public ImageTower(String file, Optional<String> fp16File, String input, int height, int width,
        ResizeMode resize, Interpolation interpolation, ChannelOrder channels, float[] mean,
        float[] std, int gridRows, int gridCols, Optional<String> embedding,
        List<PatchOutput> patches) {
      this(file, fp16File, input, height, width, resize, interpolation, channels, mean, std,
          gridRows, gridCols, embedding, patches, Optional.empty());
    }

    /** A tower without per-image contrast normalisation. */
    public ImageTower(String file, Optional<String> fp16File, String input, int height, int width,
        ResizeMode resize, Interpolation interpolation, ChannelOrder channels, float[] mean,
        float[] std, int gridRows, int gridCols, Optional<String> embedding,
        List<PatchOutput> patches, Optional<Tiling> tile) {
      this(file, fp16File, input, height, width, resize, interpolation, channels, mean, std,
          gridRows, gridCols, embedding, patches, tile, Optional.empty());
    }

    /** A tower that runs once per image, on the image as it is. */
    public ImageTower(String file, Optional<String> fp16File, String input, int height, int width,
        ResizeMode resize, Interpolation interpolation, ChannelOrder channels, float[] mean,
        float[] std, int gridRows, int gridCols, Optional<String> embedding,
        List<PatchOutput> patches, Optional<Tiling> tile, Optional<Contrast> contrast) {
      this(file, fp16File, input, height, width, resize, interpolation, channels, mean, std,
          gridRows, gridCols, embedding, patches, tile, contrast,
          List.of(ViewTransform.IDENTITY));
    }

    public ImageTower {
      requireText("file", file);
      Objects.requireNonNull(fp16File, "fp16File").ifPresent(f -> requireText("fp16File", f));
      requireText("input", input);
      requirePositive("height", height);
      requirePositive("width", width);
      Objects.requireNonNull(resize, "resize");
      Objects.requireNonNull(interpolation, "interpolation");
      Objects.requireNonNull(channels, "channels");
      mean = perChannel("mean", mean).clone();
      std = perChannel("std", std).clone();
      for (int c = 0; c < std.length; c++) {
        if (!(std[c] > 0)) {
          throw new IllegalArgumentException("std[" + c + "]: expected > 0, got " + std[c]);
        }
      }
      if (gridRows <= 0 || gridCols <= 0) {
        throw new IllegalArgumentException(
            "grid: expected [rows, cols], both positive, got [" + gridRows + ", " + gridCols + "]");
      }
      Objects.requireNonNull(embedding, "embedding").ifPresent(e -> requireText("embedding", e));
      patches = List.copyOf(Objects.requireNonNull(patches, "patches"));
      if (patches.isEmpty()) {
        throw new IllegalArgumentException("patches: expected at least one patch output, got none");
      }
      Map<String, String> outputs = new HashMap<>();
      embedding.ifPresent(e -> outputs.put(e, "embedding"));
      Map<Integer, Integer> layers = new HashMap<>();
      for (int i = 0; i < patches.size(); i++) {
        PatchOutput patch = patches.get(i);
        String previous = outputs.putIfAbsent(patch.output(), "patches[" + i + "]");
        if (previous != null) {
          throw new IllegalArgumentException(
              "patches[" + i + "].output: '" + patch.output() + "' is already used by " + previous);
        }
        Integer first = layers.putIfAbsent(patch.layer(), i);
        if (first != null) {
          throw new IllegalArgumentException(
              "patches[" + i + "].layer: layer " + patch.layer() + " is already patches[" + first
                  + "]");
        }
      }
      Objects.requireNonNull(tile, "tile");
      Objects.requireNonNull(contrast, "contrast");
      views = List.copyOf(Objects.requireNonNull(views, "views"));
      if (!views.contains(ViewTransform.IDENTITY)) {
        throw new IllegalArgumentException(
            "views: expected IDENTITY among the views, got " + views);
      }
      if (Set.copyOf(views).size() != views.size()) {
        throw new IllegalArgumentException("views: expected each view once, got " + views);
      }
      checkGeometry(resize, height, width, gridRows, gridCols, tile);
    }

    /** The geometry LETTERBOX and TILE need: whole pixels per cell, overlap in whole cells. */
    private static void checkGeometry(ResizeMode resize, int height, int width, int gridRows,
        int gridCols, Optional<Tiling> tile) {
      if (resize != ResizeMode.TILE && tile.isPresent()) {
        throw new IllegalArgumentException(
            "tile: only allowed with resize TILE, got resize " + resize);
      }
      if (resize != ResizeMode.TILE && resize != ResizeMode.LETTERBOX) {
        return;
      }
      if (height % gridRows != 0 || width % gridCols != 0) {
        throw new IllegalArgumentException(
            "grid: resize " + resize + " needs whole input pixels per grid cell; the " + height
                + " × " + width + " input is not divisible by the grid [" + gridRows + ", "
                + gridCols + "]");
      }
      if (resize == ResizeMode.TILE) {
        Tiling t = tile.orElseThrow(
            () -> new IllegalArgumentException("tile: required when resize is TILE"));
        int cellH = height / gridRows;
        int cellW = width / gridCols;
        if (t.overlap() % cellH != 0 || t.overlap() % cellW != 0
            || t.overlap() >= Math.min(height, width)) {
          throw new IllegalArgumentException(
              "tile.overlap: expected a multiple of the grid cell (" + cellH + " × " + cellW
                  + " input pixels) smaller than the input, got " + t.overlap());
        }
      }
    }

    /** Input pixels per grid cell, vertically. */
    public int cellHeight() {
      return height / gridRows;
    }

    /** Input pixels per grid cell, horizontally. */
    public int cellWidth() {
      return width / gridCols;
    }

    /** The mean per channel, a copy. */
    @Override
    public float[] mean() {
      return mean.clone();
    }

    /** The standard deviation per channel, a copy. */
    @Override
    public float[] std() {
      return std.clone();
    }

    /**
     * The views in the order of their layers in {@link ImageFeatures#layers()}: the other views
     * as listed, {@link ViewTransform#IDENTITY} last, so that the last layer (which regions and
     * defect types pool) is always that of the frame as it is.
     */
    public List<ViewTransform> layerViews() {
      List<ViewTransform> order = new ArrayList<>(views);
      order.remove(ViewTransform.IDENTITY);
      order.add(ViewTransform.IDENTITY);
      return List.copyOf(order);
    }

    /** Patches per image: {@code gridRows * gridCols}. */
    public int patchCount() {
      return gridRows * gridCols;
    }

    /** Floats per image in the input tensor: {@code 3 * height * width}. */
    public int sampleSize() {
      return 3 * height * width;
    }

    private static float[] perChannel(String key, float[] values) {
      Objects.requireNonNull(values, key);
      if (values.length != 3) {
        throw new IllegalArgumentException(
            key + ": expected 3 numbers, got " + values.length);
      }
      return values;
    }
  }

  /**
   * One patch-token output of the image tower: {@code float32 [N, rows*cols, dim]}, row-major over
   * the grid, CLS token dropped.
   *
   * @param output output name
   * @param layer the transformer layer (or filter-bank stage) it comes from
   * @param dim features per patch
   */
  public record PatchOutput(String output, int layer, int dim) {
    public PatchOutput {
      requireText("output", output);
      if (layer < 0) {
        throw new IllegalArgumentException("layer: expected >= 0, got " + layer);
      }
      requirePositive("dim", dim);
    }
  }

  /**
   * The text tower: token ids {@code int64 [N, contextLength]} to embeddings {@code float32 [N,
   * E]} in the space of the image embedding.
   *
   * @param file ONNX file, relative to the folder
   * @param input input name
   * @param output output name
   * @param tokenizer HuggingFace {@code tokenizer.json}, relative to the folder
   * @param contextLength token sequence length
   */
  public record TextTower(
      String file, String input, String output, String tokenizer, int contextLength) {
    public TextTower {
      requireText("file", file);
      requireText("input", input);
      requireText("output", output);
      requireText("tokenizer", tokenizer);
      if (contextLength < 2) {
        throw new IllegalArgumentException(
            "contextLength: expected >= 2 (start and end tokens), got " + contextLength);
      }
    }
  }

  private static void requireText(String key, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(key + ": expected a non-empty string");
    }
  }

  private static void requirePositive(String key, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(key + ": expected a positive number, got " + value);
    }
  }
}
