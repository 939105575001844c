package io.clipline.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipline.model.ModelManifest.ChannelOrder;
import io.clipline.model.ModelManifest.Contrast;
import io.clipline.model.ModelManifest.ImageTower;
import io.clipline.model.ModelManifest.Interpolation;
import io.clipline.model.ModelManifest.Kind;
import io.clipline.model.ModelManifest.PatchOutput;
import io.clipline.model.ModelManifest.ResizeMode;
import io.clipline.model.ModelManifest.TextTower;
import io.clipline.model.ModelManifest.Tiling;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Reads {@code clipline-model.json} key by key, so that every error names its key path. Type errors
 * (missing, unknown or mistyped keys) are found here; value errors by the records' constructors,
 * whose messages this class prefixes with the path of the record.
 */
final class ManifestReader {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private static final Set<String> ROOT_KEYS =
      Set.of("format", "name", "kind", "description", "image", "text", "patchProjection");
  private static final Set<String> IMAGE_KEYS =
      Set.of(
          "file", "fp16File", "input", "height", "width", "resize", "interpolation", "channels",
          "mean", "std", "grid", "embedding", "patches", "tile", "contrast", "views");
  private static final Set<String> TILE_KEYS = Set.of("overlap", "scale");
  private static final Set<String> CONTRAST_KEYS = Set.of("mean", "std");
  private static final Set<String> PATCH_KEYS = Set.of("output", "layer", "dim");
  private static final Set<String> TEXT_KEYS =
      Set.of("file", "input", "output", "tokenizer", "contextLength");

  private final Path file;

  private ManifestReader(Path file) {
    this.file = file;
  }

  static ModelManifest read(Path folder) {
    Path manifest = folder.resolve(ModelManifest.FILE_NAME);
    if (!Files.isDirectory(folder)) {
      throw new ModelException(
          "Model folder " + folder.toAbsolutePath() + " does not exist. " + howToMake(folder));
    }
    if (!Files.isRegularFile(manifest)) {
      throw new ModelException(
          "Model folder " + folder.toAbsolutePath() + " has no " + ModelManifest.FILE_NAME + ". "
              + howToMake(folder));
    }
    JsonNode root;
    try {
      root = JSON.readTree(manifest.toFile());
    } catch (JsonProcessingException e) {
      throw new ModelException(
          "Invalid model manifest " + manifest + ": not valid JSON: " + e.getOriginalMessage()
              + " at line " + e.getLocation().getLineNr() + ", column "
              + e.getLocation().getColumnNr(),
          e);
    } catch (IOException e) {
      throw new ModelException("Cannot read model manifest " + manifest + ": " + e, e);
    }
    return new ManifestReader(manifest).manifest(root, folder);
  }

  /** The command that makes a model folder, guessed from its name (see src/models/README.md). */
  static String howToMake(Path folder) {
    Path name = folder.toAbsolutePath().normalize().getFileName();
    String folderName = name == null ? "" : name.toString();
    if (folderName.startsWith("texture")) {
      return "Make the training-free texture model with (from the repository root): "
          + "/usr/bin/python3 src/models/make_texture_model.py";
    }
    if (folderName.startsWith("imagenet")) {
      return "Make the ImageNet MobileNetV2 model with (from the repository root, needs node and"
          + " npm registry access): /usr/bin/python3 src/models/make_imagenet_model.py";
    }
    if (folderName.startsWith("tiny-clip")) {
      return "Make the tiny random CLIP model with (from the repository root): "
          + "/usr/bin/python3 src/models/make_tiny_clip.py";
    }
    return "Export a real CLIP model with src/models/clip_export.py on a machine with internet"
        + " access (see src/models/README.md); without one, /usr/bin/python3"
        + " src/models/make_texture_model.py makes the training-free texture model";
  }

  private ModelManifest manifest(JsonNode root, Path folder) {
    requireObject(root, "", "the manifest");
    checkKeys(root, "", ROOT_KEYS);
    int format = integer(root, "", "format");
    if (format != ModelManifest.FORMAT) {
      throw invalid("format", "expected " + ModelManifest.FORMAT + ", got " + format);
    }
    ImageTower image = image(object(root, "", "image"));
    Optional<TextTower> text = optionalObject(root, "", "text").map(this::text);
    ModelManifest manifest =
        build(
            "",
            () ->
                new ModelManifest(
                    folder,
                    string(root, "", "name"),
                    choice(root, "", "kind", Kind.class, Kind::id),
                    optionalString(root, "", "description").orElse(""),
                    image,
                    text,
                    optionalString(root, "", "patchProjection")));
    requireFile(manifest, "image.file", image.file());
    image.fp16File().ifPresent(f -> requireFile(manifest, "image.fp16File", f));
    text.ifPresent(
        t -> {
          requireFile(manifest, "text.file", t.file());
          requireFile(manifest, "text.tokenizer", t.tokenizer());
        });
    manifest.patchProjection().ifPresent(f -> requireFile(manifest, "patchProjection", f));
    return manifest;
  }

  private ImageTower image(JsonNode node) {
    String path = "image.";
    checkKeys(node, path, IMAGE_KEYS);
    JsonNode grid = required(node, path, "grid");
    if (!grid.isArray() || grid.size() != 2 || !grid.get(0).canConvertToInt()
        || !grid.get(1).canConvertToInt() || !grid.get(0).isIntegralNumber()
        || !grid.get(1).isIntegralNumber()) {
      throw invalid(path + "grid", "expected 2 integers [rows, cols], got " + describe(grid));
    }
    JsonNode patchArray = node.get("patches");
    if (patchArray == null || patchArray.isNull()) {
      throw invalid(path + "patches", "required key is missing");
    }
    if (!patchArray.isArray()) {
      throw invalid(path + "patches", "expected an array of objects, got " + describe(patchArray));
    }
    List<PatchOutput> patches = new ArrayList<>();
    for (int i = 0; i < patchArray.size(); i++) {
      String patchPath = path + "patches[" + i + "].";
      JsonNode patch = patchArray.get(i);
      requireObject(patch, patchPath, "a patch output");
      checkKeys(patch, patchPath, PATCH_KEYS);
      patches.add(
          build(
              patchPath,
              () ->
                  new PatchOutput(
                      string(patch, patchPath, "output"),
                      integer(patch, patchPath, "layer"),
                      integer(patch, patchPath, "dim"))));
    }
    Optional<Tiling> tile = optionalObject(node, path, "tile").map(this::tiling);
    Optional<Contrast> contrast = optionalObject(node, path, "contrast").map(this::contrast);
    List<ViewTransform> views = views(node, path);
    return build(
        path,
        () ->
            new ImageTower(
                string(node, path, "file"),
                optionalString(node, path, "fp16File"),
                string(node, path, "input"),
                integer(node, path, "height"),
                integer(node, path, "width"),
                choice(node, path, "resize", ResizeMode.class, Enum::name),
                choice(node, path, "interpolation", Interpolation.class, Enum::name),
                choice(node, path, "channels", ChannelOrder.class, Enum::name),
                numbers(node, path, "mean"),
                numbers(node, path, "std"),
                grid.get(0).intValue(),
                grid.get(1).intValue(),
                optionalString(node, path, "embedding"),
                patches,
                tile,
                contrast,
                views));
  }

  /** {@code image.views}: view names; {@code [IDENTITY]} when the key is absent. */
  private List<ViewTransform> views(JsonNode node, String path) {
    JsonNode value = node.get("views");
    if (value == null || value.isNull()) {
      return List.of(ViewTransform.IDENTITY);
    }
    if (!value.isArray() || value.isEmpty()) {
      throw invalid(path + "views", "expected a non-empty array of view names, got "
          + describe(value));
    }
    List<ViewTransform> views = new ArrayList<>();
    for (int i = 0; i < value.size(); i++) {
      JsonNode name = value.get(i);
      ViewTransform view = null;
      for (ViewTransform v : ViewTransform.values()) {
        if (name.isTextual() && v.name().equals(name.textValue())) {
          view = v;
        }
      }
      if (view == null) {
        throw invalid(path + "views[" + i + "]", "expected one of "
            + Arrays.toString(ViewTransform.values()) + ", got " + describe(name));
      }
      views.add(view);
    }
    return views;
  }

  private Contrast contrast(JsonNode node) {
    String path = "image.contrast.";
    checkKeys(node, path, CONTRAST_KEYS);
    return build(path, () -> new Contrast(number(node, path, "mean"), number(node, path, "std")));
  }

  private Tiling tiling(JsonNode node) {
    String path = "image.tile.";
    checkKeys(node, path, TILE_KEYS);
    JsonNode scale = node.get("scale");
    if (scale != null && !scale.isNull() && !scale.isNumber()) {
      throw invalid(path + "scale", "expected a number, got " + describe(scale));
    }
    double factor = scale == null || scale.isNull() ? 1.0 : scale.doubleValue();
    return build(path, () -> new Tiling(integer(node, path, "overlap"), factor));
  }

  private TextTower text(JsonNode node) {
    String path = "text.";
    checkKeys(node, path, TEXT_KEYS);
    return build(
        path,
        () ->
            new TextTower(
                string(node, path, "file"),
                string(node, path, "input"),
                string(node, path, "output"),
                string(node, path, "tokenizer"),
                integer(node, path, "contextLength")));
  }

  /** Runs a record constructor, turning its complaint into one that names the key path. */
  private <T> T build(String path, Supplier<T> constructor) {
    try {
      return constructor.get();
    } catch (IllegalArgumentException e) {
      throw new ModelException(
          "Invalid model manifest " + file + ": " + path + e.getMessage(), e);
    }
  }

  private void requireFile(ModelManifest manifest, String key, String name) {
    if (!Files.isRegularFile(manifest.resolve(name))) {
      throw invalid(key, "file '" + name + "' not found in " + manifest.folder().toAbsolutePath());
    }
  }

  private void checkKeys(JsonNode node, String path, Set<String> known) {
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        throw invalid(path + name, "unknown key; expected one of " + sorted(known));
      }
    }
  }

  private void requireObject(JsonNode node, String path, String what) {
    if (!node.isObject()) {
      String where = path.isEmpty() ? what : path.substring(0, path.length() - 1);
      throw invalid(where, "expected an object, got " + describe(node));
    }
  }

  private JsonNode required(JsonNode node, String path, String key) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      throw invalid(path + key, "required key is missing");
    }
    return value;
  }

  private JsonNode object(JsonNode node, String path, String key) {
    JsonNode value = required(node, path, key);
    requireObject(value, path + key + ".", "");
    return value;
  }

  private Optional<JsonNode> optionalObject(JsonNode node, String path, String key) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    requireObject(value, path + key + ".", "");
    return Optional.of(value);
  }

  private String string(JsonNode node, String path, String key) {
    JsonNode value = required(node, path, key);
    if (!value.isTextual()) {
      throw invalid(path + key, "expected a string, got " + describe(value));
    }
    return value.textValue();
  }

  private Optional<String> optionalString(JsonNode node, String path, String key) {
    JsonNode value = node.get(key);
    return value == null || value.isNull()
        ? Optional.empty()
        : Optional.of(string(node, path, key));
  }

  private int integer(JsonNode node, String path, String key) {
    JsonNode value = required(node, path, key);
    if (!value.isIntegralNumber() || !value.canConvertToInt()) {
      throw invalid(path + key, "expected an integer, got " + describe(value));
    }
    return value.intValue();
  }

  private double number(JsonNode node, String path, String key) {
    JsonNode value = required(node, path, key);
    if (!value.isNumber()) {
      throw invalid(path + key, "expected a number, got " + describe(value));
    }
    return value.doubleValue();
  }

  private float[] numbers(JsonNode node, String path, String key) {
    JsonNode value = required(node, path, key);
    if (!value.isArray()) {
      throw invalid(path + key, "expected an array of numbers, got " + describe(value));
    }
    float[] numbers = new float[value.size()];
    for (int i = 0; i < numbers.length; i++) {
      if (!value.get(i).isNumber()) {
        throw invalid(
            path + key + "[" + i + "]", "expected a number, got " + describe(value.get(i)));
      }
      numbers[i] = value.get(i).floatValue();
    }
    return numbers;
  }

  private <E extends Enum<E>> E choice(
      JsonNode node, String path, String key, Class<E> type, Function<E, String> spelling) {
    String value = string(node, path, key);
    for (E constant : type.getEnumConstants()) {
      if (spelling.apply(constant).equals(value)) {
        return constant;
      }
    }
    throw invalid(
        path + key,
        "expected one of "
            + Arrays.stream(type.getEnumConstants()).map(spelling).collect(Collectors.toList())
            + ", got '" + value + "'");
  }

  private ModelException invalid(String key, String problem) {
    return new ModelException("Invalid model manifest " + file + ": " + key + ": " + problem);
  }

  private static String describe(JsonNode node) {
    return node.getNodeType().name().toLowerCase(Locale.ROOT) + " " + node;
  }

  private static List<String> sorted(Set<String> keys) {
    return keys.stream().sorted().collect(Collectors.toList());
  }
}
