package io.clipline.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rules a caller gives the one reader; the callers' messages are tested with them. */
class DatasetReaderTest {
  private static final DatasetReader.Rules STRICT = new DatasetReader.Rules(
      List.of(".png", ".bmp"), false, "defective", true, true, false);
  private static final DatasetReader.Rules LENIENT = new DatasetReader.Rules(
      List.of(".png"), true, "defect", false, false, true);

  @TempDir Path dir;

  @Test
  void shouldKeepManifestRowOrderAndApplyTheUnnamedDefectType() throws IOException {
    touch("b.png");
    touch("a.png");
    Files.writeString(dir.resolve("manifest.csv"), " Path ,LABEL,class\nb.png,1,,extra\na.png,0,x\n");

    Dataset d = DatasetReader.read(dir, LENIENT, new Failing());

    assertEquals(Dataset.Layout.MANIFEST, d.layout());
    assertEquals(dir.resolve("manifest.csv"), d.source());
    assertEquals(List.of("b.png", "a.png"), d.samples().stream().map(DatasetSample::id).toList());
    assertEquals("defect", d.samples().get(0).defectType());
    assertEquals(DatasetSample.GOOD, d.samples().get(1).defectType());
  }

  @Test
  void shouldCountOnlyTheCallersImageFilesWhenWalkingMvtecFolders() throws IOException {
    touch("tile/test/good/0.png");
    touch("tile/test/crack/0.bmp");
    touch("tile/ground_truth/crack/0_mask.png");

    Dataset strict = DatasetReader.read(dir, STRICT, new Failing());
    Dataset lenient = DatasetReader.read(dir, LENIENT, new Failing());

    assertEquals(List.of("tile"), strict.categories());
    assertEquals(List.of("tile/test/crack/0.bmp", "tile/test/good/0.png"),
        strict.samples().stream().map(DatasetSample::id).toList());
    assertEquals(dir.resolve("tile/ground_truth/crack/0_mask.png"), strict.samples().get(0).mask());
    assertEquals(List.of("tile/test/good/0.png"),
        lenient.samples().stream().map(DatasetSample::id).toList());
  }

  @Test
  void shouldReadFlatFolderOnlyWhenRulesAllowIt() throws IOException {
    touch("a.png");

    Dataset flat = DatasetReader.read(dir, LENIENT, new Failing());

    assertEquals(Dataset.Layout.FLAT, flat.layout());
    assertEquals(DatasetSample.Label.UNLABELLED, flat.samples().get(0).label());
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> DatasetReader.read(dir, STRICT, new Failing()));
    assertEquals("unknownLayout []", e.getMessage());
  }

  @Test
  void shouldHoldRowsToTheHeaderWhenRulesAreStrict() throws IOException {
    touch("a.png");
    Files.writeString(dir.resolve("manifest.csv"), "path,label\na.png,0,extra\n");

    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> DatasetReader.read(dir, STRICT, new Failing()));

    assertEquals("fieldCount 2 3", e.getMessage());
  }

  private void touch(String relative) throws IOException {
    Path p = dir.resolve(relative);
    Files.createDirectories(p.getParent());
    Files.write(p, new byte[] {1});
  }

  /** Names the complaint and its numbers, so a test sees which one the reader made. */
  private static final class Failing implements DatasetReader.Complaints {
    @Override
    public RuntimeException notFound(Path location) {
      return new IllegalStateException("notFound");
    }

    @Override
    public RuntimeException unknownLayout(Path root, List<String> subfolders) {
      return new IllegalStateException("unknownLayout " + subfolders);
    }

    @Override
    public RuntimeException cannotList(Path folder, IOException cause) {
      return new UncheckedIOException(cause);
    }

    @Override
    public RuntimeException cannotReadManifest(Path csv, IOException cause) {
      return new UncheckedIOException(cause);
    }

    @Override
    public RuntimeException emptyManifest(Path csv) {
      return new IllegalStateException("emptyManifest");
    }

    @Override
    public RuntimeException missingColumn(Path csv, String column, List<String> header) {
      return new IllegalStateException("missingColumn " + column);
    }

    @Override
    public RuntimeException fieldCount(Path csv, int row, List<String> header, int fields) {
      return new IllegalStateException("fieldCount " + row + " " + fields);
    }

    @Override
    public RuntimeException badLabel(Path csv, int row, String label) {
      return new IllegalStateException("badLabel " + row);
    }

    @Override
    public RuntimeException missingImage(Path csv, int row, String path, Path resolved) {
      return new IllegalStateException("missingImage " + row);
    }

    @Override
    public RuntimeException missingMask(Path csv, int row, Path resolved) {
      return new IllegalStateException("missingMask " + row);
    }
  }
}
