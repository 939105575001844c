package io.clipline.faults;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code clipline audit} (a child JVM, as a user runs it) found: the counts it read and each
 * kind of breach.
 */
record AuditResult(long frames, long verdicts, long deadLetters, long missing, long duplicated,
    long orphans, long outOfOrder, boolean holds, String output) {
  private static final Pattern TOTALS =
      Pattern.compile("frames (\\d+), verdicts (\\d+), dead letters (\\d+)");

  static AuditResult run(String bootstrapServers, FaultTopics topics, Path log) {
    try (ChildJvm audit = ChildJvm.clipline("audit", log, List.of("audit",
        "--bootstrap-servers", bootstrapServers, "--frames-topic", topics.frames(),
        "--verdicts-topic", topics.verdicts(), "--dlq-topic", topics.dlq(), "--timeout-s", "60"))) {
      int exit = audit.awaitExit(Duration.ofSeconds(120));
      String out = audit.output();
      Matcher totals = TOTALS.matcher(out);
      if (!totals.find() || exit > 1) {
        throw new AssertionError("clipline audit failed (exit " + exit + ")\n" + audit.tail());
      }
      return new AuditResult(Long.parseLong(totals.group(1)), Long.parseLong(totals.group(2)),
          Long.parseLong(totals.group(3)), count(out, "missing"), count(out, "duplicated"),
          count(out, "orphan verdicts"), count(out, "out of order"),
          exit == 0 && out.contains("exactly once: holds"), out);
    }
  }

  private static long count(String out, String kind) {
    Matcher m = Pattern.compile("(?m)^" + kind + " +(\\d+)$").matcher(out);
    if (!m.find()) {
      throw new AssertionError("no '" + kind + "' count in the audit's output:\n" + out);
    }
    return Long.parseLong(m.group(1));
  }
}
