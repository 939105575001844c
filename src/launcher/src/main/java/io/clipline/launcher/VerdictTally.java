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
