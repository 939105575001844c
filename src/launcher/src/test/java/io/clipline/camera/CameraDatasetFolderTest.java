package io.clipline.camera;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.clipline.dataset.Dataset;
import io.clipline.schemas.FrameEncoding;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real image folders: MVTec-AD/VisA, flat, and manifest CSV layouts, and their errors. */
class CameraDatasetFolderTest {
  @TempDir Path dir;

  @Test
  void shouldLabelImagesFromFolderNamesWhenLayoutIsMvtec() throws IOException {
    write("bottle/test/good/000.png", "g0");
    write("bottle/test/good/001.png", "g1");
    write("bottle/test/broken_large/000.png", "b0");
    write("bottle/train/good/000.png", "train");
    write("screw/test/scratch_head/000.jpg", "s0");
    write("screw/test/good/000.JPG", "s1");

    DatasetFolder folder = DatasetFolder.open(dir, 0.5, 1);

    assertEquals(Dataset.Layout.MVTEC, folder.layout());
    assertEquals(List.of("bottle", "screw"), folder.categories());
    assertEquals(5, folder.entries().size(), "train/ is not used");
    DatasetFolder.Entry broken = folder.entries().stream()
        .filter(e -> e.file().endsWith(Path.of("broken_large", "000.png"))).findFirst()
        .orElseThrow();
    assertEquals(GroundTruth.defective("broken_large", Optional.empty()), broken.truth());
    assertEquals("bottle", broken.category());
  }

  @Test
  void shouldSendFileBytesAsTheyAreWhenFramesAreDrawn() throws IOException {
    write("bottle/test/good/000.png", "good-bytes");
    write("bottle/test/crack/000.jpeg", "crack-bytes");

    DatasetFolder folder = DatasetFolder.open(dir.resolve("bottle"), 0.5, 1);
    Set<String> seen = new HashSet<>();
    for (long sequence = 0; sequence < 40; sequence++) {
      SourceFrame frame = folder.frameFor(0, sequence);
      String bytes = new String(frame.image(), StandardCharsets.UTF_8);
      seen.add(bytes);
      assertEquals("bottle", frame.product());
      assertEquals(bytes.equals("good-bytes") ? FrameEncoding.PNG : FrameEncoding.JPEG,
          frame.encoding());
      assertEquals(bytes.equals("crack-bytes"), frame.truth().isDefective());
    }
    assertEquals(Set.of("good-bytes", "crack-bytes"), seen);
    assertArrayEquals(folder.frameFor(0, 3).image(), DatasetFolder.open(dir.resolve("bottle"),
        0.5, 1).frameFor(0, 3).image(), "same seed, camera and sequence, same image");
  }

  @Test
  void shouldDrawDefectiveImagesAtConfiguredRateWhenCategoryHasBothKinds() throws IOException {
    for (int i = 0; i < 5; i++) {
      write("tile/test/good/" + i + ".png", "good");
      write("tile/test/crack/" + i + ".png", "crack");
    }
    DatasetFolder folder = DatasetFolder.open(dir, 0.2, 3);

    int defective = 0;
    for (long sequence = 0; sequence < 500; sequence++) {
      defective += folder.frameFor(1, sequence).truth().isDefective() ? 1 : 0;
    }

    // Four binomial standard deviations of a share over 500 draws at 0.2.
    assertEquals(0.2, defective / 500.0, 4 * Math.sqrt(0.2 * 0.8 / 500));
  }

  @Test
  void shouldTreatImagesAsUnlabelledWhenFolderIsFlat() throws IOException {
    write("a.png", "a");
    write("b.jpg", "b");
    write("notes.txt", "not an image");

    DatasetFolder folder = DatasetFolder.open(dir, 0.1, 1);

    assertEquals(Dataset.Layout.FLAT, folder.layout());
    assertEquals(2, folder.entries().size());
    for (long sequence = 0; sequence < 10; sequence++) {
      assertEquals(GroundTruth.unknown(), folder.frameFor(0, sequence).truth());
    }
  }

  @Test
  void shouldResolvePathsAgainstCsvFolderWhenManifestIsGiven() throws IOException {
    write("images/ok.jpg", "ok");
    write("images/bad.png", "bad");
    write("manifest.csv", "path,label,class,mask_path\nimages/ok.jpg,0,Free,\n"
        + "\"images/bad.png\",1,Crack,masks/bad.png\n");

    DatasetFolder folder = DatasetFolder.open(dir, 0.5, 1);

    assertEquals(Dataset.Layout.MANIFEST, folder.layout());
    assertEquals(List.of(GroundTruth.normal(Optional.empty()),
            GroundTruth.defective("Crack", Optional.empty())),
        folder.entries().stream().map(DatasetFolder.Entry::truth).toList());
  }

  @Test
  void shouldNameMissingColumnWhenManifestHeaderIsWrong() throws IOException {
    write("images/ok.jpg", "ok");
    Path csv = write("list.csv", "file,label\nimages/ok.jpg,0\n");

    DatasetException e = assertThrows(DatasetException.class, () -> DatasetFolder.open(csv, 0, 1));

    assertTrue(e.getMessage().contains("no column 'path'"), e.getMessage());
    assertTrue(e.getMessage().contains("got file,label"), e.getMessage());
  }

  @Test
  void shouldNameLineAndValueWhenManifestLabelIsNotZeroOrOne() throws IOException {
    write("images/ok.jpg", "ok");
    Path csv = write("list.csv", "path,label\nimages/ok.jpg,good\n");

    DatasetException e = assertThrows(DatasetException.class, () -> DatasetFolder.open(csv, 0, 1));

    assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("'good'"),
        e.getMessage());
  }

  @Test
  void shouldNameImageWhenManifestListsMissingFile() throws IOException {
    Path csv = write("list.csv", "path,label\nimages/gone.jpg,1\n");

    DatasetException e = assertThrows(DatasetException.class, () -> DatasetFolder.open(csv, 0, 1));

    assertTrue(e.getMessage().contains("images/gone.jpg not found"), e.getMessage());
  }

  @Test
  void shouldSayFolderDoesNotExistWhenPathIsMissing() {
    Path missing = dir.resolve("nowhere");

    DatasetException e =
        assertThrows(DatasetException.class, () -> DatasetFolder.open(missing, 0, 1));

    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    assertEquals(missing, e.path());
  }

  @Test
  void shouldSayNoImagesWhenMvtecFoldersAreEmpty() throws IOException {
    Files.createDirectories(dir.resolve("bottle/test/good"));

    DatasetException e = assertThrows(DatasetException.class, () -> DatasetFolder.open(dir, 0, 1));

    assertTrue(e.getMessage().contains("no images"), e.getMessage());
  }

  @Test
  void shouldListWhatWasFoundWhenLayoutIsUnknown() throws IOException {
    write("photos/2024/a.png", "a");

    DatasetException e = assertThrows(DatasetException.class, () -> DatasetFolder.open(dir, 0, 1));

    assertTrue(e.getMessage().contains("unknown layout"), e.getMessage());
    assertTrue(e.getMessage().contains("[photos]"), e.getMessage());
  }

  @Test
  void shouldReadRealManifestWhenMagneticTileDatasetIsPresent() {
    Optional<Path> manifest = SharedDatasets.find(SharedDatasets.MAGNETIC_TILE);
    assumeTrue(manifest.isPresent(), SharedDatasets.absentMessage(SharedDatasets.MAGNETIC_TILE));

    DatasetFolder folder = DatasetFolder.open(manifest.get(), 0.5, 42);

    assertEquals(Dataset.Layout.MANIFEST, folder.layout());
    assertEquals(List.of("magnetic_tile"), folder.categories());
    assertTrue(folder.entries().size() > 1000, "entries: " + folder.entries().size());
    Set<String> types = new HashSet<>();
    for (long sequence = 0; sequence < 60; sequence++) {
      SourceFrame frame = folder.frameFor(0, sequence);
      assertEquals(FrameEncoding.JPEG, frame.encoding());
      assertEquals((byte) 0xFF, frame.image()[0], "JPEG starts with FF D8");
      assertEquals((byte) 0xD8, frame.image()[1], "JPEG starts with FF D8");
      types.add(frame.truth().isDefective() ? frame.truth().defectType() : "normal");
    }
    assertTrue(types.contains("normal") && types.size() >= 3, "types seen: " + types);
  }

  @Test
  void shouldSendBmpAndTiffImagesAsPngOfTheSamePixels() throws IOException {
    java.awt.image.BufferedImage gray =
        new java.awt.image.BufferedImage(24, 16, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 24; x++) {
        gray.getRaster().setSample(x, y, 0, (x * 10 + y * 3) % 256);
      }
    }
    Path good = dir.resolve("parts/test/good/000.bmp");
    Path bad = dir.resolve("parts/test/dent/000.tif");
    Files.createDirectories(good.getParent());
    Files.createDirectories(bad.getParent());
    assertTrue(javax.imageio.ImageIO.write(gray, "bmp", good.toFile()));
    assertTrue(javax.imageio.ImageIO.write(gray, "tiff", bad.toFile()));

    DatasetFolder folder = DatasetFolder.open(dir.resolve("parts"), 0.5, 1);
    assertEquals(2, folder.entries().size(), "BMP and TIFF files are listed");
    io.clipline.imaging.FrameDecoder decoder =
        new io.clipline.imaging.FrameDecoder(io.clipline.imaging.FrameLimits.DEFAULT);
    Set<Boolean> kinds = new HashSet<>();
    for (long sequence = 0; sequence < 20; sequence++) {
      SourceFrame frame = folder.frameFor(0, sequence);
      assertEquals(FrameEncoding.PNG, frame.encoding());
      io.clipline.imaging.DecodedFrame sent = decoder.decode(
          frame.image(), io.clipline.imaging.PixelEncoding.PNG, 24, 16);
      assertEquals(1, sent.channels());
      for (int y = 0; y < 16; y++) {
        for (int x = 0; x < 24; x++) {
          assertEquals((x * 10 + y * 3) % 256, sent.pixels()[y * 24 + x] & 0xFF, "pixel " + x + "," + y);
        }
      }
      kinds.add(frame.truth().isDefective());
    }
    assertEquals(Set.of(true, false), kinds, "both files were sent");
  }

  private Path write(String relative, String content) throws IOException {
    Path file = dir.resolve(relative);
    Files.createDirectories(file.getParent());
    return Files.writeString(file, content);
  }
}
