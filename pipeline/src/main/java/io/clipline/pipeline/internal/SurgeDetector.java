package io.clipline.pipeline.internal;

import io.clipline.schemas.Alert;
import io.clipline.schemas.AlertKind;
import io.clipline.schemas.AlertSeverity;
import io.clipline.schemas.AlertState;
import io.clipline.schemas.LineStats;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Surge alerts from closed statistics windows. For the NG rate (per line and per camera) and for
 * each defect type's rate (regions per frame, capped at 1, per line) it keeps an EWMA baseline
 * {@code b ← α·r + (1−α)·b}. After {@code warmupWindows} windows, a window with at least {@code
 * minFrames} frames surges when {@code r ≥ factor·b} and {@code r − b ≥ minDelta}: the episode
 * fires (and fires again each surging window) and clears at the first window that does not surge.
 * The baseline does not learn from surging windows, so a lasting surge does not become normal.
 * A defect type seen for the first time starts with baseline 0 and the scope's window count.
 * Severity is CRITICAL when {@code r ≥ 2·factor·b} and {@code r − b ≥ 2·minDelta}, else WARNING.
 */
public final class SurgeDetector implements Processor<String, LineStats, String, Alert> {
  /** Baseline of one rate; {@code since} is -1 when not surging. */
  record Baseline(double ewma, int windows, long since, double lastRate) {}

  static final StateSerde<Map<String, Baseline>> SERDE = StateSerde.of(
      (map, out) -> {
        out.writeInt(map.size());
        for (Map.Entry<String, Baseline> e : map.entrySet()) {
          out.writeUTF(e.getKey());
          out.writeDouble(e.getValue().ewma());
          out.writeInt(e.getValue().windows());
          out.writeLong(e.getValue().since());
          out.writeDouble(e.getValue().lastRate());
        }
      },
      in -> {
        Map<String, Baseline> map = new TreeMap<>();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
          map.put(in.readUTF(),
              new Baseline(in.readDouble(), in.readInt(), in.readLong(), in.readDouble()));
        }
        return map;
      });

  private static final String NG = "ng";
  private static final String DEFECT = "defect:";

  private final String storeName;
  private final double alpha;
  private final double factor;
  private final double minDelta;
  private final int minFrames;
  private final int warmupWindows;
  private ProcessorContext<String, Alert> context;
  private KeyValueStore<String, Map<String, Baseline>> store;

  public SurgeDetector(String storeName, double alpha, double factor, double minDelta,
      int minFrames, int warmupWindows) {
    this.storeName = storeName;
    this.alpha = alpha;
    this.factor = factor;
    this.minDelta = minDelta;
    this.minFrames = minFrames;
    this.warmupWindows = warmupWindows;
  }

  @Override
  public void init(ProcessorContext<String, Alert> context) {
    this.context = context;
    this.store = context.getStateStore(storeName);
  }

  @Override
  public void process(Record<String, LineStats> record) {
    LineStats stats = record.value();
    if (stats.getFrames() < minFrames) {
      return;
    }
    String key = stats.getLineId() + "|" + (stats.getCameraId() == null ? "" : stats.getCameraId());
    Map<String, Baseline> baselines = store.get(key);
    baselines = baselines == null ? new TreeMap<>() : new TreeMap<>(baselines);
    Map<String, Double> rates = new TreeMap<>();
    rates.put(NG, (double) stats.getNgCount() / stats.getFrames());
    if (stats.getCameraId() == null) {
      Set<String> types = new HashSet<>(stats.getDefectTypeCounts().keySet());
      baselines.keySet().stream().filter(k -> k.startsWith(DEFECT))
          .forEach(k -> types.add(k.substring(DEFECT.length())));
      for (String type : types) {
        long count = stats.getDefectTypeCounts().getOrDefault(type, 0L);
        rates.put(DEFECT + type, Math.min(1.0, (double) count / stats.getFrames()));
      }
    }
    // A defect type never seen before has had rate 0 for as long as the scope has been watched.
    int watched = baselines.containsKey(NG) ? baselines.get(NG).windows() : 0;
    for (Map.Entry<String, Double> rate : rates.entrySet()) {
      Baseline b = baselines.get(rate.getKey());
      if (b == null && watched > 0) {
        b = new Baseline(0.0, watched, -1, 0.0);
      }
      baselines.put(rate.getKey(), judge(stats, rate.getKey(), rate.getValue(), b));
    }
    store.put(key, baselines);
  }

  private Baseline judge(LineStats stats, String name, double rate, Baseline b) {
    long windowStart = stats.getWindowStart().toEpochMilli();
    long windowEnd = stats.getWindowEnd().toEpochMilli();
    if (b == null || b.windows() < warmupWindows) {
      double ewma = b == null ? rate : alpha * rate + (1 - alpha) * b.ewma();
      return new Baseline(ewma, b == null ? 1 : b.windows() + 1, -1, rate);
    }
    boolean surging = rate >= factor * b.ewma() && rate - b.ewma() >= minDelta;
    String defectType = name.startsWith(DEFECT) ? name.substring(DEFECT.length()) : null;
    AlertKind kind = defectType == null ? AlertKind.NG_RATE_SURGE : AlertKind.DEFECT_SURGE;
    String where = stats.getCameraId() == null ? stats.getLineId() : stats.getCameraId();
    if (surging) {
      long since = b.since() >= 0 ? b.since() : windowStart;
      boolean critical = rate >= 2 * factor * b.ewma() && rate - b.ewma() >= 2 * minDelta;
      String what = defectType == null ? "NG rate" : defectType;
      emit(stats, kind, AlertState.FIRING, defectType, since, rate, b.ewma(),
          critical ? AlertSeverity.CRITICAL : AlertSeverity.WARNING,
          String.format("%s on %s: %.1f%% of frames (baseline %.1f%%)", what, where,
              100 * rate, 100 * b.ewma()), windowEnd);
      return new Baseline(b.ewma(), b.windows() + 1, since, rate);
    }
    if (b.since() >= 0) {
      emit(stats, kind, AlertState.CLEARED, defectType, b.since(), rate, b.ewma(),
          AlertSeverity.INFO,
          String.format("%s on %s back to %.1f%% (baseline %.1f%%)",
              defectType == null ? "NG rate" : defectType, where, 100 * rate, 100 * b.ewma()),
          windowEnd);
    }
    return new Baseline(alpha * rate + (1 - alpha) * b.ewma(), b.windows() + 1, -1, rate);
  }

  private void emit(LineStats stats, AlertKind kind, AlertState state, String defectType,
      long since, double rate, double baseline, AlertSeverity severity, String message,
      long time) {
    context.forward(new Record<>(stats.getLineId(), AlertRecords.alert(kind, state,
        stats.getLineId(), stats.getCameraId(), defectType, since, rate, baseline, severity,
        message, time), time - 1));
  }
}
