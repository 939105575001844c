package io.clipline.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The suite's measurements, one line per scenario run, appended to {@code results.tsv} in the
 * suite's output folder and printed: what RELIABILITY.md's table is made from.
 */
final class FaultResults {
  static final String HEADER = "scenario\trun\tframes\tverdicts\tdead_letters\tmissing"
      + "\tduplicated\torphans\tout_of_order\trecovery_s\tcatch_up_s\tnote";

  private FaultResults() {}

  static synchronized void record(String scenario, int run, AuditResult audit,
      Map<String, Recovery> recoveries, String note) {
    String recovery = recoveries.entrySet().stream()
        .map(e -> e.getKey() + "=" + seconds(e.getValue().recovery().toMillis()))
        .collect(Collectors.joining(" "));
    String catchUp = recoveries.entrySet().stream()
        .map(e -> e.getKey() + "=" + seconds(e.getValue().catchUp().toMillis()))
        .collect(Collectors.joining(" "));
    String line = String.join("\t", scenario, Integer.toString(run),
        Long.toString(audit.frames()), Long.toString(audit.verdicts()),
        Long.toString(audit.deadLetters()), Long.toString(audit.missing()),
        Long.toString(audit.duplicated()), Long.toString(audit.orphans()),
        Long.toString(audit.outOfOrder()), recovery.isEmpty() ? "-" : recovery,
        catchUp.isEmpty() ? "-" : catchUp, note);
    System.out.println("[clipline-faults] " + line);
    Path file = FaultPaths.output().resolve("results.tsv");
    try {
      Files.createDirectories(file.getParent());
      if (!Files.exists(file)) {
        Files.writeString(file, HEADER + "\n", StandardCharsets.UTF_8);
      }
      Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String seconds(long millis) {
    return String.format(Locale.ROOT, "%.1f", millis / 1e3);
  }
}
