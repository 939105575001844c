package io.clipline.eval;

import io.clipline.dataset.DatasetReader;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Grouped tune / report split: a group (physical tile) goes to <em>tune</em> when
 * {@code md5(group) mod 10 < 4}, else to <em>report</em> — the rule of docs/QUALITY.md and
 * {@code make_texture_model.py measure}, so views of one tile never straddle the split.
 */
public final class GroupSplit {
  /** The two parts of the split. */
  public enum Part { TUNE, REPORT }

  private final Map<String, String> groupById;

  private GroupSplit(Map<String, String> groupById) {
    this.groupById = groupById;
  }

  /** Reads a {@code path,group} CSV (paths as in the dataset's manifest). */
  public static GroupSplit read(Path csv) {
    if (!Files.isRegularFile(csv)) {
      throw new EvalException("split groups file not found: " + csv.toAbsolutePath());
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new EvalException("cannot read " + csv + ": " + e.getMessage(), e);
    }
    List<String> header = lines.isEmpty() ? List.of() : DatasetReader.splitCsv(lines.get(0).replace("\uFEFF", ""));
    int path = header.indexOf("path");
    int group = header.indexOf("group");
    if (path < 0 || group < 0) {
      throw new EvalException(
          csv + ": no column '" + (path < 0 ? "path" : "group") + "' in header " + header
              + ": expected path,group");
    }
    Map<String, String> map = new HashMap<>();
    for (int i = 1; i < lines.size(); i++) {
      if (lines.get(i).isBlank()) {
        continue;
      }
      List<String> cells = DatasetReader.splitCsv(lines.get(i));
      if (cells.size() <= Math.max(path, group)) {
        throw new EvalException(csv + " row " + (i + 1) + ": expected columns " + header + ", got " + cells);
      }
      map.put(cells.get(path).trim().replace('\\', '/'), cells.get(group).trim());
    }
    return new GroupSplit(map);
  }

  /** The part that the image {@code id} belongs to; fails when the file has no group for it. */
  public Part partOf(String id) {
    String group = groupById.get(id);
    if (group == null) {
      throw new EvalException("split groups file has no group for image '" + id + "'");
    }
    return bucket(group) < 4 ? Part.TUNE : Part.REPORT;
  }

  /** {@code int(md5(group).hexdigest(), 16) % 10}, as the Python prototype computes it. */
  static int bucket(String group) {
    try {
      byte[] digest = MessageDigest.getInstance("MD5").digest(group.getBytes(StandardCharsets.UTF_8));
      return new BigInteger(1, digest).mod(BigInteger.TEN).intValue();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is a required JDK algorithm", e);
    }
  }
}
