package io.clipline.eval;

import io.clipline.dataset.DatasetSample;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Writes {@code frames.csv}: one row per judged frame of every shuffle, in stream order, so that
 * scores and verdicts can be studied outside the report (score distributions, operating points).
 *
 * <p>Columns: {@code shuffle, scope, position} (0-based within the scope's stream), {@code image}
 * (the dataset id), {@code defective} (0/1), {@code type} (defect type, empty for good images),
 * {@code raw} (the engine's raw image score), {@code z} (its robust z within the scope), {@code
 * verdict} and {@code warmingUp}.
 */
final class FrameLog {
  private FrameLog() {}

  static void write(Path file, List<DatasetSample> samples, List<Evaluator.ShuffleRun> runs)
      throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(file)) {
      w.write("shuffle,scope,position,image,defective,type,raw,z,verdict,warmingUp\n");
      for (Evaluator.ShuffleRun run : runs) {
        String scope = null;
        int position = 0;
        for (Evaluator.Scored f : run.frames()) {
          position = f.scope().equals(scope) ? position + 1 : 0;
          scope = f.scope();
          DatasetSample s = samples.get(f.sample());
          w.write(String.format(Locale.ROOT, "%d,%s,%d,%s,%d,%s,%.6g,%.6g,%s,%b%n", run.index(),
              csv(f.scope()), position, csv(s.id()), s.defective() ? 1 : 0,
              s.defective() ? csv(s.defectType()) : "", f.raw(), f.normalized(), f.verdict(),
              f.warmingUp()));
        }
      }
    }
  }

  private static String csv(String v) {
    return v.contains(",") || v.contains("\"") ? '"' + v.replace("\"", "\"\"") + '"' : v;
  }
}
