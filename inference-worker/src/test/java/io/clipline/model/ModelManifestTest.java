package io.clipline.model;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clipline.model.ModelManifest.ChannelOrder;
import io.clipline.model.ModelManifest.Interpolation;
import io.clipline.model.ModelManifest.Kind;
import io.clipline.model.ModelManifest.PatchOutput;
import io.clipline.model.ModelManifest.ResizeMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ModelManifestTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The example of docs/MODEL_FORMAT.md. */
  private static final String VALID =
      "{\"format\": 1, \"name\": \"texture-v1\", \"kind\": \"texture\","
          + " \"description\": \"Training-free texture encoder\","
          + " \"image\": {\"file\": \"image.onnx\", \"input\": \"pixel_values\","
          + "  \"height\": 256, \"width\": 224, \"resize\": \"SHORT_SIDE_CENTER_CROP\","
          + "  \"interpolation\": \"BICUBIC\", \"channels\": \"RGB\","
          + "  \"mean\": [0.48145466, 0.4578275, 0.40821073],"
          + "  \"std\": [0.26862954, 0.26130258, 0.27577711],"
          + "  \"grid\": [16, 14], \"embedding\": \"image_embeds\","
          + "  \"patches\": [{\"output\": \"patch_tokens_1\", \"layer\": 1, \"dim\": 64},"
          + "              {\"output\": \"patch_tokens_2\", \"layer\": 2, \"dim\": 32}]},"
          + " \"text\": {\"file\": \"text.onnx\", \"input\": \"input_ids\","
          + "  \"output\": \"text_embeds\", \"tokenizer\": \"tokenizer.json\","
          + "  \"contextLength\": 77},"
          + " \"patchProjection\": null}";

  @TempDir Path folder;

  @BeforeEach
  void createModelFiles() throws IOException {
    for (String file : List.of("image.onnx", "text.onnx", "tokenizer.json")) {
      Files.writeString(folder.resolve(file), "");
    }
  }

  @Test
  void shouldReadEveryKeyWhenManifestIsValid() throws IOException {
    Files.writeString(folder.resolve(ModelManifest.FILE_NAME), VALID);

    ModelManifest manifest = ModelManifest.load(folder);

    assertAll(
        () -> assertEquals("texture-v1", manifest.name()),
        () -> assertEquals(Kind.TEXTURE, manifest.kind()),
        () -> assertEquals("image.onnx", manifest.image().file()),
        () -> assertEquals(Optional.empty(), manifest.image().fp16File()),
        () -> assertEquals(256, manifest.image().height()),
        () -> assertEquals(224, manifest.image().width()),
        () -> assertEquals(ResizeMode.SHORT_SIDE_CENTER_CROP, manifest.image().resize()),
        () -> assertEquals(Interpolation.BICUBIC, manifest.image().interpolation()),
        () -> assertEquals(ChannelOrder.RGB, manifest.image().channels()),
        () ->
            assertArrayEquals(
                new float[] {0.48145466f, 0.4578275f, 0.40821073f}, manifest.image().mean()),
        () -> assertEquals(16, manifest.image().gridRows()),
        () -> assertEquals(14, manifest.image().gridCols()),
        () -> assertEquals(Optional.of("image_embeds"), manifest.image().embedding()),
        () ->
            assertEquals(
                List.of(
                    new PatchOutput("patch_tokens_1", 1, 64),
                    new PatchOutput("patch_tokens_2", 2, 32)),
                manifest.image().patches()),
        () -> assertEquals(77, manifest.text().orElseThrow().contextLength()),
        () -> assertEquals("tokenizer.json", manifest.text().orElseThrow().tokenizer()),
        () -> assertEquals(Optional.empty(), manifest.patchProjection()),
        () -> assertEquals(folder.resolve("image.onnx"), manifest.resolve("image.onnx")));
  }

  @Test
  void shouldHaveNoTextTowerWhenTextIsAbsent() throws IOException {
    ObjectNode manifest = valid();
    manifest.remove("text");
    write(manifest);

    assertEquals(Optional.empty(), ModelManifest.load(folder).text());
  }

  static Stream<Arguments> badManifests() {
    return Stream.of(
        bad("image.file: required key is missing", m -> image(m).remove("file")),
        bad("image.mean: expected 3 numbers, got 2",
            m -> image(m).putArray("mean").add(0.5).add(0.5)),
        bad("image.std[1]: expected > 0, got 0.0",
            m -> image(m).putArray("std").add(1).add(0).add(1)),
        bad("image.resize: expected one of [SHORT_SIDE_CENTER_CROP, STRETCH, LETTERBOX, TILE],"
            + " got 'FIT'", m -> image(m).put("resize", "FIT")),
        bad("image.tile: required when resize is TILE", m -> image(m).put("resize", "TILE")),
        bad("image.tile: only allowed with resize TILE, got resize SHORT_SIDE_CENTER_CROP",
            m -> image(m).putObject("tile").put("overlap", 0)),
        bad("image.tile.overlap: expected a multiple of the grid cell (16 × 16 input pixels)"
            + " smaller than the input, got 8",
            m -> image(m).put("resize", "TILE").putObject("tile").put("overlap", 8)),
        bad("image.tile.overlap: expected a multiple of the grid cell (16 × 16 input pixels)"
            + " smaller than the input, got 224",
            m -> image(m).put("resize", "TILE").putObject("tile").put("overlap", 224)),
        bad("image.tile.overlap: expected >= 0, got -16",
            m -> image(m).put("resize", "TILE").putObject("tile").put("overlap", -16)),
        bad("image.tile.overlap: required key is missing",
            m -> image(m).put("resize", "TILE").putObject("tile").put("scale", 0.5)),
        bad("image.tile.scale: expected a number in (0, 16], got 0.0",
            m -> image(m).put("resize", "TILE").putObject("tile").put("overlap", 0)
                .put("scale", 0)),
        bad("image.tile.scale: expected a number, got string \"1\"",
            m -> image(m).put("resize", "TILE").putObject("tile").put("overlap", 0)
                .put("scale", "1")),
        bad("image.tile.size: unknown key",
            m -> image(m).put("resize", "TILE").putObject("tile").put("overlap", 0)
                .put("size", 256)),
        bad("image.grid: resize LETTERBOX needs whole input pixels per grid cell; the 256 × 224"
            + " input is not divisible by the grid [15, 14]",
            m -> image(m).put("resize", "LETTERBOX").putArray("grid").add(15).add(14)),
        bad("image.interpolation: expected one of [BICUBIC, BILINEAR, AREA], got 'NEAREST'",
            m -> image(m).put("interpolation", "NEAREST")),
        bad("image.channels: expected one of [RGB, BGR], got 'rgb'",
            m -> image(m).put("channels", "rgb")),
        bad("image.height: expected a positive number, got -224",
            m -> image(m).put("height", -224)),
        bad("image.width: expected an integer, got string \"224\"",
            m -> image(m).put("width", "224")),
        bad("image.grid: expected 2 integers [rows, cols], got array [16]",
            m -> image(m).putArray("grid").add(16)),
        bad("image.grid: expected [rows, cols], both positive, got [0, 14]",
            m -> image(m).putArray("grid").add(0).add(14)),
        bad("image.patches: expected at least one patch output, got none",
            m -> image(m).putArray("patches")),
        bad("image.patches[1].dim: expected a positive number, got 0",
            m -> ((ObjectNode) image(m).get("patches").get(1)).put("dim", 0)),
        bad("image.patches[1].output: 'patch_tokens_1' is already used by patches[0]",
            m -> ((ObjectNode) image(m).get("patches").get(1)).put("output", "patch_tokens_1")),
        bad("image.patches[1].output: 'image_embeds' is already used by embedding",
            m -> ((ObjectNode) image(m).get("patches").get(1)).put("output", "image_embeds")),
        bad("image.embeding: unknown key", m -> image(m).put("embeding", "x")),
        bad("image.views: expected IDENTITY among the views, got [HFLIP]",
            m -> image(m).putArray("views").add("HFLIP")),
        bad("image.views: expected each view once, got [IDENTITY, HFLIP, HFLIP]",
            m -> image(m).putArray("views").add("IDENTITY").add("HFLIP").add("HFLIP")),
        bad("image.views[1]: expected one of [IDENTITY, HFLIP, VFLIP, ROT180], got string"
            + " \"hflip\"", m -> image(m).putArray("views").add("IDENTITY").add("hflip")),
        bad("image.views: expected a non-empty array of view names, got array []",
            m -> image(m).putArray("views")),
        bad("image.views: expected a non-empty array of view names, got string \"HFLIP\"",
            m -> image(m).put("views", "HFLIP")),
        bad("text.tokenizer: required key is missing",
            m -> ((ObjectNode) m.get("text")).remove("tokenizer")),
        bad("text.contextLength: expected >= 2",
            m -> ((ObjectNode) m.get("text")).put("contextLength", 1)),
        bad("text.file: file 'missing.onnx' not found",
            m -> ((ObjectNode) m.get("text")).put("file", "missing.onnx")),
        bad("kind: expected one of [clip, clip-random, texture, cnn], got 'CLIP'",
            m -> m.put("kind", "CLIP")),
        bad("format: expected 1, got 2", m -> m.put("format", 2)),
        bad("name: expected a non-empty string", m -> m.put("name", " ")),
        bad("image: required key is missing", m -> m.remove("image")),
        bad("image: expected an object, got array []", m -> m.putArray("image")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badManifests")
  void shouldNameKeyAndFileWhenManifestIsInvalid(String expected, Consumer<ObjectNode> edit)
      throws IOException {
    ObjectNode manifest = valid();
    edit.accept(manifest);
    write(manifest);

    ModelException e = assertThrows(ModelException.class, () -> ModelManifest.load(folder));

    assertTrue(e.getMessage().contains(expected), e.getMessage());
    assertTrue(
        e.getMessage().contains(folder.resolve(ModelManifest.FILE_NAME).toString()),
        e.getMessage());
  }

  @Test
  void shouldRunOnTheImageAsItIsWhenViewsAreAbsent() throws IOException {
    write(valid());

    ModelManifest manifest = ModelManifest.load(folder);

    assertEquals(List.of(ViewTransform.IDENTITY), manifest.image().views());
    assertEquals(List.of(ViewTransform.IDENTITY), manifest.image().layerViews());
  }

  @Test
  void shouldPutIdentityLastInLayerOrderWhenViewsAreListed() throws IOException {
    ObjectNode m = valid();
    image(m).putArray("views").add("IDENTITY").add("VFLIP").add("HFLIP");
    write(m);

    ModelManifest manifest = ModelManifest.load(folder);

    assertEquals(
        List.of(ViewTransform.IDENTITY, ViewTransform.VFLIP, ViewTransform.HFLIP),
        manifest.image().views());
    assertEquals(
        List.of(ViewTransform.VFLIP, ViewTransform.HFLIP, ViewTransform.IDENTITY),
        manifest.image().layerViews());
  }

  @Test
  void shouldReadTilingWhenResizeIsTile() throws IOException {
    ObjectNode manifest = valid();
    image(manifest).put("resize", "TILE").putObject("tile").put("overlap", 32).put("scale", 0.5);
    write(manifest);

    ModelManifest.ImageTower image = ModelManifest.load(folder).image();

    assertEquals(ResizeMode.TILE, image.resize());
    assertEquals(Optional.of(new ModelManifest.Tiling(32, 0.5)), image.tile());
    assertEquals(16, image.cellHeight());
    assertEquals(16, image.cellWidth());
  }

  @Test
  void shouldDefaultTileScaleToOneWhenItIsAbsent() throws IOException {
    ObjectNode manifest = valid();
    image(manifest).put("resize", "TILE").putObject("tile").put("overlap", 0);
    write(manifest);

    assertEquals(Optional.of(new ModelManifest.Tiling(0, 1.0)),
        ModelManifest.load(folder).image().tile());
  }

  @Test
  void shouldReadCnnKindWhenManifestSaysCnn() throws IOException {
    ObjectNode manifest = valid();
    manifest.put("kind", "cnn");
    manifest.remove("text");
    write(manifest);

    assertEquals(Kind.CNN, ModelManifest.load(folder).kind());
  }

  @Test
  void shouldGiveLineAndColumnWhenManifestIsNotJson() throws IOException {
    Files.writeString(folder.resolve(ModelManifest.FILE_NAME), "{\"format\": 1,\n \"name\": }");

    ModelException e = assertThrows(ModelException.class, () -> ModelManifest.load(folder));

    assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
    assertTrue(e.getMessage().contains("line 2"), e.getMessage());
  }

  static Stream<Arguments> missingFolders() {
    return Stream.of(
        Arguments.of("texture", "/usr/bin/python3 src/models/make_texture_model.py"),
        Arguments.of("tiny-clip-random", "/usr/bin/python3 src/models/make_tiny_clip.py"),
        Arguments.of("imagenet-mnv2", "/usr/bin/python3 src/models/make_imagenet_model.py"),
        Arguments.of("clip-vit-b16", "src/models/clip_export.py"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("missingFolders")
  void shouldSayHowToMakeFolderWhenFolderIsMissing(String name, String command) {
    Path missing = folder.resolve(name);

    ModelException e = assertThrows(ModelException.class, () -> ModelManifest.load(missing));

    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    assertTrue(e.getMessage().contains(command), e.getMessage());
  }

  @Test
  void shouldSayHowToMakeFolderWhenManifestIsMissing() throws IOException {
    Path texture = Files.createDirectory(folder.resolve("texture"));

    ModelException e = assertThrows(ModelException.class, () -> ModelManifest.load(texture));

    assertTrue(e.getMessage().contains("has no clipline-model.json"), e.getMessage());
    assertTrue(e.getMessage().contains("make_texture_model.py"), e.getMessage());
  }

  @Test
  void shouldNotExposeInternalArraysWhenMeanIsRead() throws IOException {
    Files.writeString(folder.resolve(ModelManifest.FILE_NAME), VALID);
    ModelManifest manifest = ModelManifest.load(folder);

    manifest.image().mean()[0] = 42;

    assertEquals(0.48145466f, manifest.image().mean()[0]);
  }

  private static Arguments bad(String expected, Consumer<ObjectNode> edit) {
    return Arguments.of(expected, edit);
  }

  private static ObjectNode image(ObjectNode manifest) {
    return (ObjectNode) manifest.get("image");
  }

  private static ObjectNode valid() throws IOException {
    return (ObjectNode) JSON.readTree(VALID);
  }

  private void write(ObjectNode manifest) throws IOException {
    Files.writeString(folder.resolve(ModelManifest.FILE_NAME), JSON.writeValueAsString(manifest));
  }

}
