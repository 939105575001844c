package io.clipline.camera.internal;

import io.clipline.camera.DatasetException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Reads a dataset manifest: a CSV with a header naming at least {@code path} and {@code label}
 * (0 = normal, 1 = defective), and optionally {@code class} (the defect type) and {@code
 * mask_path}. Fields may be double-quoted.
 */
public final class ManifestCsv {
  /** One image line of the manifest; {@code lineNumber} counts from 1 with the header. */
  public record Row(int lineNumber, String path, boolean defective, String defectClass,
      String maskPath) {}

  private ManifestCsv() {}

  public static List<Row> read(Path csv) {
    List<String> lines;
    try {
      lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new DatasetException(csv, "cannot read manifest: " + e.getMessage(), e);
    }
    if (lines.isEmpty() || lines.get(0).isBlank()) {
      throw new DatasetException(csv, "manifest is empty; expected a header line path,label");
    }
    List<String> header = Arrays.stream(split(stripBom(lines.get(0))))
        .map(h -> h.trim().toLowerCase(Locale.ROOT))
        .toList();
    int path = column(csv, header, "path");
    int label = column(csv, header, "label");
    int defectClass = header.indexOf("class");
    int maskPath = header.indexOf("mask_path");
    List<Row> rows = new ArrayList<>();
    for (int i = 1; i < lines.size(); i++) {
      if (lines.get(i).isBlank()) {
        continue;
      }
      String[] fields = split(lines.get(i));
      int lineNumber = i + 1;
      if (fields.length < header.size()) {
        throw new DatasetException(csv, "line " + lineNumber + ": expected " + header.size()
            + " fields " + header + ", got " + fields.length);
      }
      rows.add(new Row(lineNumber, fields[path].trim(),
          defective(csv, lineNumber, fields[label].trim()),
          defectClass < 0 ? "" : fields[defectClass].trim(),
          maskPath < 0 ? "" : fields[maskPath].trim()));
    }
    return rows;
  }

  private static int column(Path csv, List<String> header, String name) {
    int index = header.indexOf(name);
    if (index < 0) {
      throw new DatasetException(csv, "manifest header has no column '" + name
          + "'; expected path,label[,class,mask_path], got " + String.join(",", header));
    }
    return index;
  }

  private static boolean defective(Path csv, int lineNumber, String label) {
    return switch (label) {
      case "0" -> false;
      case "1" -> true;
      default -> throw new DatasetException(csv, "line " + lineNumber
          + ": column 'label' must be 0 (normal) or 1 (defective), got '" + label + "'");
    };
  }

  private static String stripBom(String line) {
    return line.startsWith("\uFEFF") ? line.substring(1) : line;
  }

  /** Splits one CSV line on commas outside double quotes; "" inside quotes is one quote. */
  static String[] split(String line) {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          field.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        fields.add(field.toString());
        field.setLength(0);
      } else {
        field.append(c);
      }
    }
    fields.add(field.toString());
    return fields.toArray(String[]::new);
  }
}
