package io.clipline.eval;

import io.clipline.dataset.Dataset;
import io.clipline.dataset.DatasetReader;
import io.clipline.dataset.DatasetSample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The dataset an evaluation runs on: {@link DatasetReader} with eval's rules (BMP counts as an
 * image, no flat folders, masks must exist, the header as written and one field per column) and
 * eval's messages, which name the file, row and column at fault. Samples are sorted by id.
 */
final class EvalDatasetReader {
  private static final DatasetReader.Rules RULES = new DatasetReader.Rules(
      List.of(".png", ".jpg", ".jpeg", ".bmp"), false, "defective", true, true, false);

  private EvalDatasetReader() {}

  /** Reads the dataset at {@code location}: a CSV file or a folder. */
  static Dataset read(Path location) {
    Dataset read = DatasetReader.read(location, RULES, new Messages());
    List<DatasetSample> sorted = new ArrayList<>(read.samples());
    sorted.sort(Comparator.comparing(DatasetSample::id));
    return new Dataset(read.name(), read.root(), read.source(), read.layout(), read.categories(),
        sorted);
  }

  private static final class Messages implements DatasetReader.Complaints {
    private static final String COLUMNS = "path,label,class,mask_path";

    @Override
    public RuntimeException notFound(Path location) {
      return new EvalException("dataset not found: " + location.toAbsolutePath());
    }

    @Override
    public RuntimeException unknownLayout(Path root, List<String> subfolders) {
      return new EvalException(
          "unknown dataset layout in " + root + ": expected a manifest CSV (" + COLUMNS + "),"
              + " a folder holding " + DatasetReader.MANIFEST + ", or an MVTec AD / VisA folder"
              + " (<category>/test/<defect>/*.png with <category>/ground_truth/<defect>/*_mask.png)");
    }

    @Override
    public RuntimeException cannotList(Path folder, IOException cause) {
      return new UncheckedIOException("cannot list " + folder, cause);
    }

    @Override
    public RuntimeException cannotReadManifest(Path csv, IOException cause) {
      return new EvalException("cannot read manifest " + csv + ": " + cause.getMessage(), cause);
    }

    @Override
    public RuntimeException emptyManifest(Path csv) {
      return new EvalException("manifest " + csv + " is empty: expected a header " + COLUMNS);
    }

    @Override
    public RuntimeException missingColumn(Path csv, String column, List<String> header) {
      return new EvalException("manifest " + csv + " has no column '" + column + "' in its header "
          + header + ": expected " + COLUMNS);
    }

    @Override
    public RuntimeException fieldCount(Path csv, int row, List<String> header, int fields) {
      return new EvalException(csv + " row " + row + ": expected " + header.size() + " columns "
          + header + ", got " + fields);
    }

    @Override
    public RuntimeException badLabel(Path csv, int row, String label) {
      return new EvalException(csv + " row " + row
          + " column 'label': expected 0 (normal) or 1 (defective), got '" + label + "'");
    }

    @Override
    public RuntimeException missingImage(Path csv, int row, String path, Path resolved) {
      return new EvalException(csv + " row " + row + " column 'path': no such file " + resolved);
    }

    @Override
    public RuntimeException missingMask(Path csv, int row, Path resolved) {
      return new EvalException(
          csv + " row " + row + " column 'mask_path': no such file " + resolved);
    }
  }
}
