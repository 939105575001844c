package io.clipline.pipeline.internal;

import io.clipline.schemas.Alert;
import io.clipline.schemas.AlertKind;
import io.clipline.schemas.AlertSeverity;
import io.clipline.schemas.AlertState;
import io.clipline.schemas.FrameVerdict;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Score drift per camera by a two-sided CUSUM on imageScore. The first {@code warmupFrames}
 * frames of a camera estimate the reference mean μ and deviation σ (Welford). After that, with
 * {@code z = (x − μ)/σ}: {@code S⁺ ← max(0, S⁺ + z − k)} and {@code S⁻ ← max(0, S⁻ − z − k)}.
 * The episode fires when {@code max(S⁺, S⁻) > h} (since = that frame's capture time); while it
 * fires the sums are capped at {@code 2h}, and it clears when both fall below {@code h/2}.
 * Warm-up frames (FrameVerdict.warmup) are ignored.
 */
public final class DriftDetector implements Processor<String, FrameVerdict, String, Alert> {
  record State(long n, double mean, double m2, double up, double down, long since) {}

  static final StateSerde<State> SERDE = StateSerde.of(
      (s, out) -> {
        out.writeLong(s.n());
        out.writeDouble(s.mean());
        out.writeDouble(s.m2());
        out.writeDouble(s.up());
        out.writeDouble(s.down());
        out.writeLong(s.since());
      },
      in -> new State(in.readLong(), in.readDouble(), in.readDouble(), in.readDouble(),
          in.readDouble(), in.readLong()));

  private final String storeName;
  private final int warmupFrames;
  private final double k;
  private final double h;
  private ProcessorContext<String, Alert> context;
  private KeyValueStore<String, State> store;

  public DriftDetector(String storeName, int warmupFrames, double k, double h) {
    this.storeName = storeName;
    this.warmupFrames = warmupFrames;
    this.k = k;
    this.h = h;
  }

  @Override
  public void init(ProcessorContext<String, Alert> context) {
    this.context = context;
    this.store = context.getStateStore(storeName);
  }

  @Override
  public void process(Record<String, FrameVerdict> record) {
    FrameVerdict v = record.value();
    if (v.getWarmup()) {
      return;
    }
    double x = v.getImageScore();
    State s = store.get(v.getCameraId());
    if (s == null) {
      s = new State(0, 0, 0, 0, 0, -1);
    }
    if (s.n() < warmupFrames) {
      long n = s.n() + 1;
      double delta = x - s.mean();
      double mean = s.mean() + delta / n;
      store.put(v.getCameraId(), new State(n, mean, s.m2() + delta * (x - mean), 0, 0, -1));
      return;
    }
    double sigma = Math.max(1e-6, Math.sqrt(s.m2() / (s.n() - 1)));
    double z = (x - s.mean()) / sigma;
    double up = Math.max(0, s.up() + z - k);
    double down = Math.max(0, s.down() - z - k);
    long since = s.since();
    long now = v.getCaptureTime().toEpochMilli();
    String message = String.format("imageScore on %s drifted %s: CUSUM %.1f (limit %.1f),"
        + " reference mean %.3f sd %.3f", v.getCameraId(), up >= down ? "up" : "down",
        Math.max(up, down), h, s.mean(), sigma);
    if (since < 0 && Math.max(up, down) > h) {
      since = now;
      emit(v, AlertState.FIRING, since, Math.max(up, down), message, now);
    } else if (since >= 0) {
      up = Math.min(up, 2 * h);
      down = Math.min(down, 2 * h);
      if (Math.max(up, down) < h / 2) {
        emit(v, AlertState.CLEARED, since, Math.max(up, down), message, now);
        since = -1;
      }
    }
    store.put(v.getCameraId(), new State(s.n(), s.mean(), s.m2(), up, down, since));
  }

  private void emit(FrameVerdict v, AlertState state, long since, double observed,
      String message, long now) {
    context.forward(new Record<>(v.getLineId(), AlertRecords.alert(AlertKind.SCORE_DRIFT, state,
        v.getLineId(), v.getCameraId(), null, since, observed, h,
        state == AlertState.FIRING ? AlertSeverity.WARNING : AlertSeverity.INFO, message, now),
        now));
  }
}
