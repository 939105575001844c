package io.clipline.eval;

import io.clipline.eval.EvalDataset.Layout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads a labelled dataset from a manifest CSV, a folder holding {@code manifest.csv}, or an MVTec
 * AD / VisA folder (one category, or a folder of categories). Errors name the file, row and
 * column at fault.
 */
public final class DatasetReader {
  static final String MANIFEST = "manifest.csv";
  private static final List<String> IMAGE_SUFFIXES = List.of(".png", ".jpg", ".jpeg", ".bmp");

  private DatasetReader() {}

  /** Reads the dataset at {@code location}: a CSV file or a folder. */
  public static EvalDataset read(Path location) {
    if (!Files.exists(location)) {
      throw new EvalException("dataset not found: " + location.toAbsolutePath());
    }
    if (Files.isRegularFile(location)) {
      Path root = location.toAbsolutePath().getParent();
      return new EvalDataset(nameOf(root), root, Layout.MANIFEST, readManifest(location));
    }
    Path root = location.toAbsolutePath();
    if (Files.isRegularFile(root.resolve(MANIFEST))) {
      return new EvalDataset(nameOf(root), root, Layout.MANIFEST, readManifest(root.resolve(MANIFEST)));
    }
    List<Path> categories = mvtecCategories(root);
    if (categories.isEmpty()) {
      throw new EvalException(
          "unknown dataset layout in " + root + ": expected a manifest CSV (path,label,class,mask_path),"
              + " a folder holding " + MANIFEST + ", or an MVTec AD / VisA folder"
              + " (<category>/test/<defect>/*.png with <category>/ground_truth/<defect>/*_mask.png)");
    }
    List<EvalSample> samples = new ArrayList<>();
    for (Path category : categories) {
      samples.addAll(readMvtecCategory(root, category));
    }
    samples.sort(Comparator.comparing(EvalSample::id));
    return new EvalDataset(nameOf(root), root, Layout.MVTEC, samples);
  }

  /** Reads a {@code path,label[,class][,mask_path][,...]} manifest; paths relative to its folder. */
  static List<EvalSample> readManifest(Path csv) {
    List<String> lines;
    try {
      lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new EvalException("cannot read manifest " + csv + ": " + e.getMessage(), e);
    }
    if (lines.isEmpty()) {
      throw new EvalException("manifest " + csv + " is empty: expected a header path,label,class,mask_path");
    }
    List<String> header = splitCsv(stripBom(lines.get(0)));
    for (String required : List.of("path", "label")) {
      if (!header.contains(required)) {
        throw new EvalException(
            "manifest " + csv + " has no column '" + required + "' in its header " + header
                + ": expected path,label,class,mask_path");
      }
    }
    Path root = csv.toAbsolutePath().getParent();
    List<EvalSample> samples = new ArrayList<>();
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      List<String> cells = splitCsv(line);
      if (cells.size() != header.size()) {
        throw new EvalException(
            csv + " row " + (i + 1) + ": expected " + header.size() + " columns " + header + ", got "
                + cells.size());
      }
      Map<String, String> row = new LinkedHashMap<>();
      for (int c = 0; c < header.size(); c++) {
        row.put(header.get(c), cells.get(c));
      }
      String label = row.get("label").trim();
      if (!label.equals("0") && !label.equals("1")) {
        throw new EvalException(
            csv + " row " + (i + 1) + " column 'label': expected 0 (normal) or 1 (defective), got '"
                + label + "'");
      }
      boolean defective = label.equals("1");
      String id = row.get("path").trim().replace('\\', '/');
      Path image = root.resolve(id);
      if (!Files.isRegularFile(image)) {
        throw new EvalException(csv + " row " + (i + 1) + " column 'path': no such file " + image);
      }
      String type = defective ? row.getOrDefault("class", "").trim() : EvalSample.GOOD;
      if (type.isEmpty()) {
        type = "defective";
      }
      String maskCell = row.getOrDefault("mask_path", "").trim();
      Path mask = maskCell.isEmpty() ? null : root.resolve(maskCell);
      if (mask != null && !Files.isRegularFile(mask)) {
        throw new EvalException(csv + " row " + (i + 1) + " column 'mask_path': no such file " + mask);
      }
      String category = row.containsKey("category") ? row.get("category").trim() : null;
      samples.add(new EvalSample(id, image, defective, type, mask, category, row));
    }
    samples.sort(Comparator.comparing(EvalSample::id));
    return samples;
  }

  private static List<Path> mvtecCategories(Path root) {
    if (Files.isDirectory(root.resolve("test"))) {
      return List.of(root);
    }
    try (Stream<Path> children = Files.list(root)) {
      return children.filter(p -> Files.isDirectory(p.resolve("test"))).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + root, e);
    }
  }

  private static List<EvalSample> readMvtecCategory(Path root, Path category) {
    String name = category.getFileName().toString();
    List<EvalSample> samples = new ArrayList<>();
    try (Stream<Path> defects = Files.list(category.resolve("test"))) {
      for (Path defectDir : defects.filter(Files::isDirectory).sorted().toList()) {
        String defect = defectDir.getFileName().toString();
        boolean good = defect.equals(EvalSample.GOOD);
        try (Stream<Path> images = Files.list(defectDir)) {
          for (Path image : images.filter(DatasetReader::isImage).sorted().toList()) {
            Path mask = good ? null : mvtecMask(category, defect, image);
            String id = root.relativize(image).toString().replace('\\', '/');
            samples.add(new EvalSample(id, image, !good, good ? EvalSample.GOOD : defect, mask, name,
                Map.of()));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + category.resolve("test"), e);
    }
    return samples;
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

  private static boolean isImage(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return Files.isRegularFile(p) && IMAGE_SUFFIXES.stream().anyMatch(n::endsWith);
  }

  private static String nameOf(Path root) {
    return root.getFileName() == null ? "dataset" : root.getFileName().toString();
  }

  private static String stripBom(String s) {
    return s.startsWith("\uFEFF") ? s.substring(1) : s;
  }

  /** Splits one CSV line; double-quoted cells may hold commas and doubled quotes. */
  static List<String> splitCsv(String line) {
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
