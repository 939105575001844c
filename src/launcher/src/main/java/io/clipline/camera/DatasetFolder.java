package io.clipline.camera;

import io.clipline.camera.internal.FrameImageWriter;
import io.clipline.camera.internal.Seeds;
import io.clipline.dataset.Dataset;
import io.clipline.dataset.Dataset.Layout;
import io.clipline.dataset.DatasetReader;
import io.clipline.dataset.DatasetSample;
import io.clipline.imaging.DecodedFrame;
import io.clipline.imaging.FrameDecodeException;
import io.clipline.imaging.FrameLimits;
import io.clipline.imaging.ImageFileDecoder;
import io.clipline.schemas.FrameEncoding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Frames from a folder of real images, sent as the files' bytes (JPEG or PNG, by extension) so
 * the worker decodes them. The folder is read by {@link DatasetReader}, as {@code clipline eval}
 * reads it; three layouts are recognised, in this order:
 *
 * <ol>
 *   <li>a manifest CSV (the path itself, or {@code manifest.csv} in the folder) with the columns
 *       {@code path,label} and optionally {@code class,mask_path}; paths are relative to the
 *       CSV's folder, label 0 is normal and 1 defective with {@code class} as the defect type;
 *   <li>MVTec-AD / VisA: {@code <category>/test/<defect>/*.png}, the folder being the category or
 *       holding several; {@code good} is normal, any other folder name is the defect type;
 *   <li>flat: image files directly in the folder, all unlabelled.
 * </ol>
 *
 * <p>Camera {@code i} looks at category {@code i mod categories}. When a category has both normal
 * and defective images, a frame is defective with probability {@code defectRate}; otherwise the
 * images are drawn uniformly. The choice depends only on the seed, the camera and the sequence.
 */
public final class DatasetFolder implements FrameSource {
  /** One image of the dataset: its file, its category (the product) and its ground truth. */
  public record Entry(Path file, String category, GroundTruth truth) {}

  private static final String LAYOUTS = "expected a manifest CSV (columns path,label[,class,"
      + "mask_path]), MVTec-AD/VisA folders <category>/test/<defect>/*.png, or image files"
      + " directly in the folder";

  /**
   * The simulator's reading of a dataset: image files it can send (PNG and JPEG as they are, BMP
   * and TIFF converted to PNG), flat folders allowed, masks not used, the header trimmed and
   * lower-cased, extra fields ignored.
   */
  private static final DatasetReader.Rules RULES = new DatasetReader.Rules(
      List.of(".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff"), true, "defect", false, false,
      true);

  /** Reads the BMP and TIFF files that are converted to PNG before they are sent. */
  private static final ImageFileDecoder CONVERTED = new ImageFileDecoder(FrameLimits.DEFAULT);

  private final Path root;
  private final Layout layout;
  private final List<Entry> entries;
  private final List<Category> categories;
  private final double defectRate;
  private final long seed;

  private DatasetFolder(Path root, Layout layout, List<Entry> entries, double defectRate,
      long seed) {
    this.root = root;
    this.layout = layout;
    this.entries = List.copyOf(entries);
    this.defectRate = defectRate;
    this.seed = seed;
    Map<String, List<Entry>> byCategory = new LinkedHashMap<>();
    for (Entry entry : entries) {
      byCategory.computeIfAbsent(entry.category(), c -> new ArrayList<>()).add(entry);
    }
    this.categories = byCategory.entrySet().stream()
        .map(e -> new Category(e.getKey(), e.getValue()))
        .toList();
  }

  /**
   * Reads the dataset at {@code path}, a folder or a manifest CSV.
   *
   * @param defectRate share of defective frames in [0, 1] where a category has both kinds
   * @throws DatasetException when the path is missing, holds no images or has no known layout
   */
  public static DatasetFolder open(Path path, double defectRate, long seed) {
    if (!(defectRate >= 0 && defectRate <= 1)) {
      throw new IllegalArgumentException("defectRate must be in [0, 1], got " + defectRate);
    }
    Path root = path.toAbsolutePath().normalize();
    if (Files.isRegularFile(root)
        && !root.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv")) {
      throw new DatasetException(root, "not a folder and not a .csv manifest; " + LAYOUTS);
    }
    Dataset dataset = DatasetReader.read(root, RULES, new Messages());
    String folderName =
        dataset.root().getFileName() == null ? "" : dataset.root().getFileName().toString();
    List<Entry> entries = new ArrayList<>();
    for (DatasetSample sample : dataset.samples()) {
      if (dataset.layout() == Layout.MANIFEST) {
        encodingOf(sample.image());
      }
      String category = dataset.layout() == Layout.MVTEC ? sample.category() : folderName;
      entries.add(new Entry(sample.image(), category, truthOf(sample)));
    }
    if (entries.isEmpty() && dataset.layout() == Layout.MANIFEST) {
      throw new DatasetException(dataset.source(), "manifest lists no images (only a header)");
    }
    if (entries.isEmpty() && dataset.layout() == Layout.MVTEC) {
      throw new DatasetException(root, "no images (*.png, *.jpg, *.jpeg) found under "
          + "<category>/test/<defect>/ in categories " + dataset.categories());
    }
    return new DatasetFolder(dataset.source(), dataset.layout(), entries, defectRate, seed);
  }

  private static GroundTruth truthOf(DatasetSample sample) {
    return switch (sample.label()) {
      case NORMAL -> GroundTruth.normal(Optional.empty());
      case DEFECTIVE -> GroundTruth.defective(sample.defectType(), Optional.empty());
      case UNLABELLED -> GroundTruth.unknown();
    };
  }

  public Path root() {
    return root;
  }

  public Layout layout() {
    return layout;
  }

  public List<Entry> entries() {
    return entries;
  }

  /** The categories (products) in the order cameras are assigned to them. */
  public List<String> categories() {
    return categories.stream().map(Category::name).toList();
  }

  @Override
  public SourceFrame frameFor(int cameraIndex, long sequence) {
    Category category = categories.get(Math.floorMod(cameraIndex, categories.size()));
    Entry entry = category.pick(Seeds.stream(seed, cameraIndex, sequence), defectRate);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(entry.file());
    } catch (IOException e) {
      throw new DatasetException(entry.file(), "cannot read image: " + e.getMessage(), e);
    }
    if (bytes.length == 0) {
      throw new DatasetException(entry.file(), "image file is empty (0 bytes)");
    }
    if (isConverted(entry.file())) {
      bytes = toPng(entry.file(), bytes);
    }
    return new SourceFrame(bytes, encodingOf(entry.file()), 0, 0, entry.category(), entry.truth());
  }

  /** Whether {@code file} is a BMP or TIFF, which frames do not carry: it is sent as PNG. */
  private static boolean isConverted(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".bmp") || name.endsWith(".tif") || name.endsWith(".tiff");
  }

  /** The BMP or TIFF file's pixels as PNG bytes, losslessly. */
  private static byte[] toPng(Path file, byte[] bytes) {
    try {
      DecodedFrame image = CONVERTED.decode(bytes);
      return FrameImageWriter.encode(image.pixels(), image.width(), image.height(),
          image.channels(), FrameEncoding.PNG);
    } catch (FrameDecodeException e) {
      throw new DatasetException(file, "cannot convert the image to PNG: " + e.getMessage(), e);
    }
  }

  @Override
  public String description() {
    return "dataset " + root + " (" + layout + ", " + entries.size() + " images, categories "
        + categories() + ")";
  }

  /**
   * JPEG or PNG by the file's extension (a BMP or TIFF is sent as PNG); other files are never
   * listed.
   */
  static FrameEncoding encodingOf(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".png") || isConverted(file)) {
      return FrameEncoding.PNG;
    }
    if (name.endsWith(".jpg") || name.endsWith(".jpeg")) {
      return FrameEncoding.JPEG;
    }
    throw new DatasetException(file, "expected a .png, .jpg, .jpeg, .bmp, .tif or .tiff file");
  }

  /** The simulator's words for a dataset it cannot use, each naming the file or folder. */
  private static final class Messages implements DatasetReader.Complaints {
    @Override
    public RuntimeException notFound(Path location) {
      return new DatasetException(location, "dataset folder does not exist; " + LAYOUTS);
    }

    @Override
    public RuntimeException unknownLayout(Path root, List<String> found) {
      return new DatasetException(root, "unknown layout: " + LAYOUTS + "; found "
          + (found.isEmpty() ? "an empty folder" : "subfolders " + found + " and no images"));
    }

    @Override
    public RuntimeException cannotList(Path folder, IOException cause) {
      return new DatasetException(folder, "cannot list folder: " + cause.getMessage(), cause);
    }

    @Override
    public RuntimeException cannotReadManifest(Path csv, IOException cause) {
      return new DatasetException(csv, "cannot read manifest: " + cause.getMessage(), cause);
    }

    @Override
    public RuntimeException emptyManifest(Path csv) {
      return new DatasetException(csv, "manifest is empty; expected a header line path,label");
    }

    @Override
    public RuntimeException missingColumn(Path csv, String column, List<String> header) {
      return new DatasetException(csv, "manifest header has no column '" + column
          + "'; expected path,label[,class,mask_path], got " + String.join(",", header));
    }

    @Override
    public RuntimeException fieldCount(Path csv, int row, List<String> header, int fields) {
      return new DatasetException(csv, "line " + row + ": expected " + header.size()
          + " fields " + header + ", got " + fields);
    }

    @Override
    public RuntimeException badLabel(Path csv, int row, String label) {
      return new DatasetException(csv, "line " + row
          + ": column 'label' must be 0 (normal) or 1 (defective), got '" + label + "'");
    }

    @Override
    public RuntimeException missingImage(Path csv, int row, String path, Path resolved) {
      return new DatasetException(csv, "line " + row + ": image " + path
          + " not found (expected relative to " + csv.getParent() + ")");
    }

    @Override
    public RuntimeException missingMask(Path csv, int row, Path resolved) {
      return new DatasetException(csv, "line " + row + ": mask " + resolved + " not found");
    }
  }

  /** The images of one category, split by label so the defect rate can be honoured. */
  private record Category(String name, List<Entry> all, List<Entry> normal,
      List<Entry> defective) {
    Category(String name, List<Entry> all) {
      this(name, all,
          all.stream().filter(e -> e.truth().label() == GroundTruth.Label.NORMAL).toList(),
          all.stream().filter(e -> e.truth().isDefective()).toList());
    }

    Entry pick(SplittableRandom random, double defectRate) {
      if (normal.isEmpty() || defective.isEmpty()) {
        return all.get(random.nextInt(all.size()));
      }
      List<Entry> pool = random.nextDouble() < defectRate ? defective : normal;
      return pool.get(random.nextInt(pool.size()));
    }
  }
}
