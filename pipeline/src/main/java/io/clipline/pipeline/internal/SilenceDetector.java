package io.clipline.pipeline.internal;

import io.clipline.schemas.Alert;
import io.clipline.schemas.AlertKind;
import io.clipline.schemas.AlertSeverity;
import io.clipline.schemas.AlertState;
import io.clipline.schemas.FrameVerdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Camera heartbeat. Each verdict stamps its camera with the wall-clock time it arrived; a
 * wall-clock punctuator fires CAMERA_SILENT for a camera of the line topology whose last verdict
 * is older than {@code factor × expectedIntervalMs}, and the camera's next verdict clears it.
 * Cameras are watched from their first verdict on.
 */
public final class SilenceDetector implements Processor<String, FrameVerdict, String, Alert> {
  record State(String lineId, long lastSeenMs, long silentSince) {}

  static final StateSerde<State> SERDE = StateSerde.of(
      (s, out) -> {
        out.writeUTF(s.lineId());
        out.writeLong(s.lastSeenMs());
        out.writeLong(s.silentSince());
      },
      in -> new State(in.readUTF(), in.readLong(), in.readLong()));

  private final String storeName;
  private final LineDirectory topology;
  private final double factor;
  private final long checkIntervalMs;
  private ProcessorContext<String, Alert> context;
  private KeyValueStore<String, State> store;

  public SilenceDetector(String storeName, LineDirectory topology, double factor,
      long checkIntervalMs) {
    this.storeName = storeName;
    this.topology = topology;
    this.factor = factor;
    this.checkIntervalMs = checkIntervalMs;
  }

  @Override
  public void init(ProcessorContext<String, Alert> context) {
    this.context = context;
    topology.init(context);
    this.store = context.getStateStore(storeName);
    context.schedule(Duration.ofMillis(checkIntervalMs), PunctuationType.WALL_CLOCK_TIME,
        this::check);
  }

  @Override
  public void process(Record<String, FrameVerdict> record) {
    FrameVerdict v = record.value();
    long now = context.currentSystemTimeMs();
    State s = store.get(v.getCameraId());
    if (s != null && s.silentSince() >= 0) {
      emit(v.getCameraId(), s, AlertState.CLEARED, now - s.lastSeenMs(), now);
    }
    store.put(v.getCameraId(), new State(v.getLineId(), now, -1));
  }

  void check(long now) {
    List<KeyValue<String, State>> silent = new ArrayList<>();
    try (KeyValueIterator<String, State> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<String, State> entry = it.next();
        Optional<Long> interval = expectedInterval(entry.key);
        if (entry.value.silentSince() < 0 && interval.isPresent()
            && now - entry.value.lastSeenMs() > factor * interval.get()) {
          silent.add(entry);
        }
      }
    }
    for (KeyValue<String, State> entry : silent) {
      State s = new State(entry.value.lineId(), entry.value.lastSeenMs(),
          entry.value.lastSeenMs());
      store.put(entry.key, s);
      emit(entry.key, s, AlertState.FIRING, now - s.lastSeenMs(), now);
    }
  }

  private Optional<Long> expectedInterval(String cameraId) {
    return topology.placement(cameraId).map(p -> p.camera().expectedIntervalMs());
  }

  private void emit(String cameraId, State s, AlertState state, long silentMs, long now) {
    long expected = expectedInterval(cameraId).orElse(0L);
    String message = state == AlertState.FIRING
        ? String.format("camera %s silent for %d ms (expected a frame every %d ms)", cameraId,
            silentMs, expected)
        : String.format("camera %s back after %d ms of silence", cameraId, silentMs);
    context.forward(new Record<>(s.lineId(), AlertRecords.alert(AlertKind.CAMERA_SILENT, state,
        s.lineId(), cameraId, null, s.lastSeenMs(), silentMs, expected,
        state == AlertState.FIRING ? AlertSeverity.CRITICAL : AlertSeverity.INFO, message, now),
        now));
  }
}
