package io.clipline.camera;

import io.clipline.camera.internal.ManifestCsv;
import io.clipline.camera.internal.Seeds;
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
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Frames from a folder of real images, sent as the files' bytes (JPEG or PNG, by extension) so
 * the worker decodes them. Three layouts are recognised, in this order:
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
  /** How the folder was read. */
  public enum Layout {
    MANIFEST,
    MVTEC,
    FLAT
  }

  /** One image of the dataset: its file, its category (the product) and its ground truth. */
  public record Entry(Path file, String category, GroundTruth truth) {}

  private static final String LAYOUTS = "expected a manifest CSV (columns path,label[,class,"
      + "mask_path]), MVTec-AD/VisA folders <category>/test/<defect>/*.png, or image files"
      + " directly in the folder";

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
    if (!Files.exists(root)) {
      throw new DatasetException(root, "dataset folder does not exist; " + LAYOUTS);
    }
    if (Files.isRegularFile(root)) {
      if (!root.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv")) {
        throw new DatasetException(root, "not a folder and not a .csv manifest; " + LAYOUTS);
      }
      return manifest(root, defectRate, seed);
    }
    Path manifest = root.resolve("manifest.csv");
    if (Files.isRegularFile(manifest)) {
      return manifest(manifest, defectRate, seed);
    }
    List<Path> categoryDirs = Files.isDirectory(root.resolve("test"))
        ? List.of(root)
        : subfolders(root).stream().filter(d -> Files.isDirectory(d.resolve("test"))).toList();
    if (!categoryDirs.isEmpty()) {
      return mvtec(root, categoryDirs, defectRate, seed);
    }
    List<Path> images = images(root);
    if (!images.isEmpty()) {
      String category = root.getFileName() == null ? "" : root.getFileName().toString();
      List<Entry> entries =
          images.stream().map(f -> new Entry(f, category, GroundTruth.unknown())).toList();
      return new DatasetFolder(root, Layout.FLAT, entries, defectRate, seed);
    }
    List<String> found = subfolders(root).stream().map(d -> d.getFileName().toString()).toList();
    throw new DatasetException(root, "unknown layout: " + LAYOUTS + "; found "
        + (found.isEmpty() ? "an empty folder" : "subfolders " + found + " and no images"));
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
    return new SourceFrame(bytes, encodingOf(entry.file()), 0, 0, entry.category(), entry.truth());
  }

  @Override
  public String description() {
    return "dataset " + root + " (" + layout + ", " + entries.size() + " images, categories "
        + categories() + ")";
  }

  /** JPEG or PNG by the file's extension; other files are never listed. */
  static FrameEncoding encodingOf(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".png")) {
      return FrameEncoding.PNG;
    }
    if (name.endsWith(".jpg") || name.endsWith(".jpeg")) {
      return FrameEncoding.JPEG;
    }
    throw new DatasetException(file, "expected a .png, .jpg or .jpeg file");
  }

  private static DatasetFolder manifest(Path csv, double defectRate, long seed) {
    Path folder = csv.getParent();
    String category = folder.getFileName() == null ? "" : folder.getFileName().toString();
    List<Entry> entries = new ArrayList<>();
    for (ManifestCsv.Row row : ManifestCsv.read(csv)) {
      Path file = folder.resolve(row.path()).normalize();
      if (!Files.isRegularFile(file)) {
        throw new DatasetException(csv, "line " + row.lineNumber() + ": image " + row.path()
            + " not found (expected relative to " + folder + ")");
      }
      encodingOf(file);
      GroundTruth truth = row.defective()
          ? GroundTruth.defective(row.defectClass().isBlank() ? "defect" : row.defectClass(),
              Optional.empty())
          : GroundTruth.normal(Optional.empty());
      entries.add(new Entry(file, category, truth));
    }
    if (entries.isEmpty()) {
      throw new DatasetException(csv, "manifest lists no images (only a header)");
    }
    return new DatasetFolder(csv, Layout.MANIFEST, entries, defectRate, seed);
  }

  private static DatasetFolder mvtec(Path root, List<Path> categoryDirs, double defectRate,
      long seed) {
    List<Entry> entries = new ArrayList<>();
    for (Path categoryDir : categoryDirs) {
      String category = categoryDir.getFileName().toString();
      for (Path defectDir : subfolders(categoryDir.resolve("test"))) {
        String defect = defectDir.getFileName().toString();
        GroundTruth truth = defect.equals("good")
            ? GroundTruth.normal(Optional.empty())
            : GroundTruth.defective(defect, Optional.empty());
        for (Path image : images(defectDir)) {
          entries.add(new Entry(image, category, truth));
        }
      }
    }
    if (entries.isEmpty()) {
      throw new DatasetException(root, "no images (*.png, *.jpg, *.jpeg) found under "
          + "<category>/test/<defect>/ in categories "
          + categoryDirs.stream().map(d -> d.getFileName().toString()).toList());
    }
    return new DatasetFolder(root, Layout.MVTEC, entries, defectRate, seed);
  }

  private static List<Path> subfolders(Path folder) {
    try (Stream<Path> children = Files.list(folder)) {
      return children.filter(Files::isDirectory).sorted().collect(Collectors.toList());
    } catch (IOException e) {
      throw new DatasetException(folder, "cannot list folder: " + e.getMessage(), e);
    }
  }

  private static List<Path> images(Path folder) {
    try (Stream<Path> children = Files.list(folder)) {
      return children.filter(Files::isRegularFile).filter(DatasetFolder::isImage).sorted()
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new DatasetException(folder, "cannot list folder: " + e.getMessage(), e);
    }
  }

  private static boolean isImage(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".png") || name.endsWith(".jpg") || name.endsWith(".jpeg");
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
