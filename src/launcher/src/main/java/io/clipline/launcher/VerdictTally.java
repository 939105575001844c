package io.clipline.launcher;

import io.clipline.schemas.DeadLetter;
import io.clipline.schemas.FrameVerdict;
import io.clipline.worker.WorkerListener;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Counts what a worker committed, for the live progress line and the final summary. */
final class VerdictTally implements WorkerListener {
  private final long startNanos = System.nanoTime();
  private final AtomicLong verdicts = new AtomicLong();
  private final AtomicLong deadLetters = new AtomicLong();
  private final Map<String, AtomicLong> byVerdict = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> byReason = new ConcurrentHashMap<>();
  private final List<Float> latenciesMs = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, FrameVerdict> byFrame = new ConcurrentHashMap<>();

  @Override
  public void onVerdict(FrameVerdict verdict) {
    verdicts.incrementAndGet();
    byVerdict.computeIfAbsent(verdict.getVerdict().name(), k -> new AtomicLong()).incrementAndGet();
    latenciesMs.add((float) (verdict.getVerdictTime().toEpochMilli()
        - verdict.getCaptureTime().toEpochMilli()));
    byFrame.put(verdict.getFrameId(), verdict);
  }

  @Override
  public void onDeadLetter(DeadLetter letter) {
    deadLetters.incrementAndGet();
    byReason.computeIfAbsent(letter.getReasonCode(), k -> new AtomicLong()).incrementAndGet();
  }

  long verdicts() {
    return verdicts.get();
  }

  long deadLetters() {
    return deadLetters.get();
  }

  Map<String, FrameVerdict> verdictsByFrame() {
    return byFrame;
  }

  Map<String, AtomicLong> deadLettersByReason() {
    return byReason;
  }

  /** One line: counts, throughput and end-to-end latency since start. */
  String progressLine() {
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    return String.format(Locale.ROOT,
        "verdicts %5d (OK %d, NG %d, UNSURE %d)  dead letters %d  %.1f frames/s  latency p50 %s p95 %s",
        verdicts.get(), count("OK"), count("NG"), count("UNSURE"), deadLetters.get(),
        verdicts.get() / Math.max(seconds, 1e-3), quantileMs(0.50), quantileMs(0.95));
  }

  long count(String verdict) {
    AtomicLong n = byVerdict.get(verdict);
    return n == null ? 0 : n.get();
  }

  /**
   * Whether the worker kept pace with the cameras: the median capture-to-verdict latency of the
   * first and of the last quarter of the verdicts (in commit order). A worker that keeps up has
   * a steady latency; one that scores fewer frames per second than the cameras send builds a
   * backlog, and the latency grows with it (or is seconds from the start, when it never caught
   * up with the first frames).
   */
  Pace pace() {
    List<Float> copy;
    synchronized (latenciesMs) {
      copy = new ArrayList<>(latenciesMs);
    }
    int quarter = copy.size() / 4;
    if (quarter < 2) {
      return new Pace(copy.size(), Double.NaN, Double.NaN);
    }
    return new Pace(copy.size(), median(copy.subList(0, quarter)),
        median(copy.subList(copy.size() - quarter, copy.size())));
  }

  /**
   * The pace verdict of {@link #pace()}.
   *
   * @param verdicts verdicts it is based on
   * @param firstMs median capture-to-verdict latency of the first quarter, NaN if too few
   * @param lastMs the same for the last quarter
   */
  record Pace(long verdicts, double firstMs, double lastMs) {
    /** Latency growth from the first quarter to the last that means a backlog built up. */
    static final double GROWTH_MS = 1_000;
    /** Latency past which verdicts come too late for a line (reject gates are seconds away). */
    static final double LATE_MS = 2_000;

    boolean measured() {
      return !Double.isNaN(firstMs);
    }

    boolean fellBehind() {
      return measured() && (lastMs - firstMs > GROWTH_MS || lastMs > LATE_MS);
    }

  /** One line for a summary, with the camera rate to lower when the worker fell behind. */
    String describe(double fps) {
      if (!measured()) {
        return "not measured (fewer than 8 verdicts)";
      }
      if (fellBehind()) {
        String why = lastMs - firstMs > GROWTH_MS
            ? String.format(Locale.ROOT, "latency grew from p50 %.0f ms (first quarter of the"
                + " verdicts) to %.0f ms (last quarter)", firstMs, lastMs)
            : String.format(Locale.ROOT, "verdicts came p50 %.0f ms (first quarter) and %.0f ms"
                + " (last quarter) after capture, over %.0f ms", firstMs, lastMs, LATE_MS);
        return String.format(Locale.ROOT, "NO: the worker FELL BEHIND; %s: it scores fewer frames"
            + " per second than the %.0f fps the cameras send (try a lower --fps)", why, fps);
      }
      return String.format(Locale.ROOT, "yes: latency steady, p50 %.0f ms in the first quarter of"
          + " the verdicts, %.0f ms in the last", firstMs, lastMs);
    }
  }

  private static double median(List<Float> values) {
    List<Float> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }

  /** End-to-end latency quantile (capture to verdict), e.g. {@code "41 ms"}, or "-". */
  String quantileMs(double q) {
    List<Float> copy;
    synchronized (latenciesMs) {
      copy = new ArrayList<>(latenciesMs);
    }
    if (copy.isEmpty()) {
      return "-";
    }
    Collections.sort(copy);
    int index = (int) Math.min(copy.size() - 1, Math.floor(q * copy.size()));
    return String.format(Locale.ROOT, "%.0f ms", copy.get(index));
  }
}
