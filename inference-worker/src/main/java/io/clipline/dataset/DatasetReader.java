package io.clipline.dataset;

import io.clipline.dataset.Dataset.Layout;
import io.clipline.dataset.DatasetSample.Label;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads a labelled dataset: a manifest CSV, a folder holding {@value #MANIFEST}, an MVTec AD /
 * VisA folder (one category, or a folder of categories), or, where the {@link Rules} allow it,
 * a flat folder of images; in that order.
 *
 * <p>The one reader of these layouts for {@code clipline eval} and the camera simulator. Where
 * the two have always differed (which image files count, flat folders, the type of an unnamed
 * defect, whether masks must exist, how strictly the header and the field count are read) the
 * caller says so in its {@link Rules}; every error is worded by the caller's {@link Complaints},
 * so each keeps its own messages and exception type.
 */
public final class DatasetReader {
  /** The manifest a dataset folder may hold. */
  public static final String MANIFEST = "manifest.csv";

  /**
   * What a caller accepts.
   *
   * @param imageSuffixes lower-case file endings that count as images in folder layouts
   * @param flatFolders whether a folder of images without another layout is read (unlabelled)
   * @param unnamedDefectType the defect type of a defective manifest row with no {@code class}
   * @param masksMustExist whether a manifest's {@code mask_path} must name an existing file
   * @param exactHeader header names as written; otherwise trimmed and lower-cased
   * @param extraFieldsAllowed whether a row may hold more fields than the header names
   */
  public record Rules(
      List<String> imageSuffixes,
      boolean flatFolders,
      String unnamedDefectType,
      boolean masksMustExist,
      boolean exactHeader,
      boolean extraFieldsAllowed) {
    public Rules {
      imageSuffixes = List.copyOf(imageSuffixes);
    }
  }

  /**
   * The caller's words for what is wrong with a dataset: each returns the exception to throw.
   * Rows count from 1 with the header.
   */
  public interface Complaints {
    RuntimeException notFound(Path location);

    RuntimeException unknownLayout(Path root, List<String> subfolders);

    RuntimeException cannotList(Path folder, IOException cause);

    RuntimeException cannotReadManifest(Path csv, IOException cause);

    RuntimeException emptyManifest(Path csv);

    RuntimeException missingColumn(Path csv, String column, List<String> header);

    RuntimeException fieldCount(Path csv, int row, List<String> header, int fields);

    RuntimeException badLabel(Path csv, int row, String label);

    RuntimeException missingImage(Path csv, int row, String path, Path resolved);

    RuntimeException missingMask(Path csv, int row, Path resolved);
  }

  private final Rules rules;
  private final Complaints complaints;

  private DatasetReader(Rules rules, Complaints complaints) {
    this.rules = rules;
    this.complaints = complaints;
  }

  /** Reads the dataset at {@code location}: a manifest CSV file or a folder. */
  public static Dataset read(Path location, Rules rules, Complaints complaints) {
    return new DatasetReader(rules, complaints).read(location);
  }

  private Dataset read(Path location) {
    if (!Files.exists(location)) {
      throw complaints.notFound(location);
    }
    if (Files.isRegularFile(location)) {
      return manifest(location);
    }
    Path root = location.toAbsolutePath();
    if (Files.isRegularFile(root.resolve(MANIFEST))) {
      return manifest(root.resolve(MANIFEST));
    }
    List<Path> categories = Files.isDirectory(root.resolve("test"))
        ? List.of(root)
        : subfolders(root).stream().filter(d -> Files.isDirectory(d.resolve("test"))).toList();
    if (!categories.isEmpty()) {
      return mvtec(root, categories);
    }
    if (rules.flatFolders()) {
      List<DatasetSample> flat = new ArrayList<>();
      for (Path image : images(root)) {
        flat.add(new DatasetSample(image.getFileName().toString(), image, Label.UNLABELLED, "",
            null, null, Map.of()));
      }
      if (!flat.isEmpty()) {
        return new Dataset(nameOf(root), root, root, Layout.FLAT, List.of(), flat);
      }
    }
    throw complaints.unknownLayout(
        root, subfolders(root).stream().map(d -> d.getFileName().toString()).toList());
  }

  private Dataset mvtec(Path root, List<Path> categories) {
    List<DatasetSample> samples = new ArrayList<>();
    for (Path category : categories) {
      String name = category.getFileName().toString();
      for (Path defectDir : subfolders(category.resolve("test"))) {
        String defect = defectDir.getFileName().toString();
        boolean good = defect.equals(DatasetSample.GOOD);
        for (Path image : images(defectDir)) {
          String id = root.relativize(image).toString().replace('\\', '/');
          samples.add(new DatasetSample(id, image, good ? Label.NORMAL : Label.DEFECTIVE,
              good ? DatasetSample.GOOD : defect, good ? null : mvtecMask(category, defect, image),
              name, Map.of()));
        }
      }
    }
    List<String> names = categories.stream().map(c -> c.getFileName().toString()).toList();
    return new Dataset(nameOf(root), root, root, Layout.MVTEC, names, samples);
  }

  private static Path mvtecMask(Path category, String defect, Path image) {
    String file = image.getFileName().toString();
    String stem = file.substring(0, file.lastIndexOf('.'));
    Path dir = category.resolve("ground_truth").resolve(defect);
    for (String candidate : List.of(stem + "_mask.png", stem + ".png")) {
      if (Files.isRegularFile(dir.resolve(candidate))) {
        return dir.resolve(candidate);
      }
    }
    return null;
  }

  /**
   * Reads a {@code path,label[,class][,mask_path][,...]} manifest; paths relative to its folder.
   * Complaints name the file as the caller gave it.
   */
  private Dataset manifest(Path csv) {
    Path root = csv.toAbsolutePath().getParent();
    List<String> lines;
    try {
      lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw complaints.cannotReadManifest(csv, e);
    }
    if (lines.isEmpty() || lines.get(0).isBlank()) {
      throw complaints.emptyManifest(csv);
    }
    List<String> header = splitCsv(stripBom(lines.get(0)));
    if (!rules.exactHeader()) {
      header = header.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).toList();
    }
    for (String required : List.of("path", "label")) {
      if (!header.contains(required)) {
        throw complaints.missingColumn(csv, required, header);
      }
    }
    List<DatasetSample> samples = new ArrayList<>();
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      int rowNumber = i + 1;
      List<String> cells = splitCsv(line);
      if (rules.extraFieldsAllowed() ? cells.size() < header.size() : cells.size() != header.size()) {
        throw complaints.fieldCount(csv, rowNumber, header, cells.size());
      }
      Map<String, String> row = new LinkedHashMap<>();
      for (int c = 0; c < header.size(); c++) {
        row.put(header.get(c), cells.get(c));
      }
      String label = row.get("label").trim();
      if (!label.equals("0") && !label.equals("1")) {
        throw complaints.badLabel(csv, rowNumber, label);
      }
      boolean defective = label.equals("1");
      String pathCell = row.get("path").trim();
      String id = pathCell.replace('\\', '/');
      Path image = root.resolve(id);
      if (!Files.isRegularFile(image)) {
        throw complaints.missingImage(csv, rowNumber, pathCell, image);
      }
      String type = defective ? row.getOrDefault("class", "").trim() : DatasetSample.GOOD;
      if (type.isEmpty()) {
        type = rules.unnamedDefectType();
      }
      String maskCell = row.getOrDefault("mask_path", "").trim();
      Path mask = maskCell.isEmpty() ? null : root.resolve(maskCell);
      if (mask != null && rules.masksMustExist() && !Files.isRegularFile(mask)) {
        throw complaints.missingMask(csv, rowNumber, mask);
      }
      String category = row.containsKey("category") ? row.get("category").trim() : null;
      samples.add(new DatasetSample(id, image.normalize(),
          defective ? Label.DEFECTIVE : Label.NORMAL, type, mask == null ? null : mask.normalize(),
          category, row));
    }
    return new Dataset(nameOf(root), root, csv.toAbsolutePath(), Layout.MANIFEST, List.of(),
        samples);
  }

  private List<Path> subfolders(Path folder) {
    try (Stream<Path> children = Files.list(folder)) {
      return children.filter(Files::isDirectory).sorted().toList();
    } catch (IOException e) {
      throw complaints.cannotList(folder, e);
    }
  }

  private List<Path> images(Path folder) {
    try (Stream<Path> children = Files.list(folder)) {
      return children.filter(Files::isRegularFile).filter(this::isImage).sorted().toList();
    } catch (IOException e) {
      throw complaints.cannotList(folder, e);
    }
  }

  private boolean isImage(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return rules.imageSuffixes().stream().anyMatch(name::endsWith);
  }

  private static String nameOf(Path root) {
    return root.getFileName() == null ? "dataset" : root.getFileName().toString();
  }

  private static String stripBom(String s) {
    return s.startsWith("\uFEFF") ? s.substring(1) : s;
  }

  /** Splits one CSV line; double-quoted cells may hold commas and doubled quotes. */
  public static List<String> splitCsv(String line) {
    List<String> cells = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char ch = line.charAt(i);
      if (quoted) {
        if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cell.append('"');
          i++;
        } else if (ch == '"') {
          quoted = false;
        } else {
          cell.append(ch);
        }
      } else if (ch == '"') {
        quoted = true;
      } else if (ch == ',') {
        cells.add(cell.toString());
        cell.setLength(0);
      } else {
        cell.append(ch);
      }
    }
    cells.add(cell.toString());
    return cells;
  }
}
