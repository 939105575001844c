package io.clipline.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clipline.dataset.Dataset;
import io.clipline.dataset.DatasetSample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalDatasetReaderTest {
  @TempDir Path dir;

  private Path touch(String relative) throws IOException {
    Path p = dir.resolve(relative);
    Files.createDirectories(p.getParent());
    Files.write(p, new byte[] {1});
    return p;
  }

  @Test
  void shouldReadManifestWhenFolderHoldsManifestCsv() throws IOException {
    touch("Crack/images/exp1_num_1.jpg");
    touch("Crack/masks/exp1_num_1.png");
    touch("Free/images/exp2_num_2.jpg");
    Files.writeString(dir.resolve("manifest.csv"), "path,label,class,mask_path\n"
        + "Free/images/exp2_num_2.jpg,0,Free,\n"
        + "Crack/images/exp1_num_1.jpg,1,Crack,Crack/masks/exp1_num_1.png\n");

    Dataset d = EvalDatasetReader.read(dir);

    assertEquals(Dataset.Layout.MANIFEST, d.layout());
    List<DatasetSample> s = d.samples();
    assertEquals("Crack/images/exp1_num_1.jpg", s.get(0).id());
    assertEquals("Crack", s.get(0).defectType());
    assertEquals(dir.resolve("Crack/masks/exp1_num_1.png"), s.get(0).mask());
    assertEquals(DatasetSample.GOOD, s.get(1).defectType());
    assertNull(s.get(1).mask());
    assertEquals("Free", s.get(1).columns().get("class"));
  }

  @Test
  void shouldNameTheColumnWhenHeaderLacksLabel() throws IOException {
    Path csv = dir.resolve("m.csv");
    Files.writeString(csv, "path,lbl,class,mask_path\na.jpg,0,Free,\n");
    EvalException e = assertThrows(EvalException.class, () -> EvalDatasetReader.read(csv));
    assertTrue(e.getMessage().contains("'label'"), e.getMessage());
  }

  @Test
  void shouldNameRowAndColumnWhenLabelIsNotZeroOrOne() throws IOException {
    touch("a.jpg");
    Path csv = dir.resolve("m.csv");
    Files.writeString(csv, "path,label\na.jpg,yes\n");
    EvalException e = assertThrows(EvalException.class, () -> EvalDatasetReader.read(csv));
    assertTrue(e.getMessage().contains("row 2 column 'label'"), e.getMessage());
  }

  @Test
  void shouldFailClearlyWhenDatasetIsMissing() {
    EvalException e = assertThrows(EvalException.class, () -> EvalDatasetReader.read(dir.resolve("nope")));
    assertTrue(e.getMessage().startsWith("dataset not found"), e.getMessage());
  }

  @Test
  void shouldFailClearlyWhenLayoutIsUnknown() throws IOException {
    touch("random/file.txt");
    EvalException e = assertThrows(EvalException.class, () -> EvalDatasetReader.read(dir));
    assertTrue(e.getMessage().startsWith("unknown dataset layout"), e.getMessage());
  }

  @Test
  void shouldReadMvtecCategoriesWhenFolderHoldsThem() throws IOException {
    touch("bottle/test/good/000.png");
    touch("bottle/test/broken_large/000.png");
    touch("bottle/ground_truth/broken_large/000_mask.png");
    touch("bottle/train/good/000.png");
    touch("candle/test/good/001.JPG");

    Dataset d = EvalDatasetReader.read(dir);

    assertEquals(Dataset.Layout.MVTEC, d.layout());
    assertEquals(3, d.samples().size(), "test images only");
    DatasetSample broken = d.samples().get(0);
    assertEquals("bottle/test/broken_large/000.png", broken.id());
    assertTrue(broken.defective());
    assertEquals("broken_large", broken.defectType());
    assertEquals("bottle", broken.category());
    assertEquals(dir.resolve("bottle/ground_truth/broken_large/000_mask.png"), broken.mask());
    assertEquals("candle", d.samples().get(2).category());
  }

  @Test
  void shouldSplitByGroupHashWhenGroupsFileGiven() throws IOException {
    // md5 mod 10 from Python: mt088 -> 1 (tune), mt001 -> 6 (report)
    assertEquals(1, GroupSplit.bucket("mt088"));
    assertEquals(9, GroupSplit.bucket("mt123"));
    Path groups = dir.resolve("groups.csv");
    Files.writeString(groups, "path,group\na.jpg,mt088\nb.jpg,mt001\n");
    GroupSplit split = GroupSplit.read(groups);
    assertEquals(GroupSplit.Part.TUNE, split.partOf("a.jpg"));
    assertEquals(GroupSplit.Part.REPORT, split.partOf("b.jpg"));
    assertThrows(EvalException.class, () -> split.partOf("c.jpg"));
  }
}
