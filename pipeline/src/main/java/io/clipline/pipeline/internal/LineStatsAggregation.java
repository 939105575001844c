package io.clipline.pipeline.internal;

import io.clipline.schemas.DefectEvent;
import io.clipline.schemas.FrameVerdict;
import io.clipline.schemas.LineStats;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Tumbling windows on capture time (the record timestamp), per line and per camera, over the
 * line-keyed stream of verdicts and defect events. A window is emitted once, when stream time
 * reaches its end plus the grace period; a record whose window is already closed then is dropped
 * and counted. Emits {@link LineStats} keyed by line.
 */
public final class LineStatsAggregation
    implements Processor<String, SpecificRecord, String, LineStats> {
  private final String storeName;
  private final long windowMs;
  private final long graceMs;
  private final PipelineMetrics metrics;
  private ProcessorContext<String, LineStats> context;
  private KeyValueStore<String, WindowAggregate> store;
  private long lastSweepBoundary = Long.MIN_VALUE;

  public LineStatsAggregation(String storeName, long windowMs, long graceMs,
      PipelineMetrics metrics) {
    this.storeName = storeName;
    this.windowMs = windowMs;
    this.graceMs = graceMs;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, LineStats> context) {
    this.context = context;
    this.store = context.getStateStore(storeName);
  }

  @Override
  public void process(Record<String, SpecificRecord> record) {
    long time = record.timestamp();
    long start = Math.floorDiv(time, windowMs) * windowMs;
    long streamTime = Math.max(context.currentStreamTimeMs(), time);
    if (start + windowMs + graceMs <= streamTime) {
      metrics.statsRecordTooLate();
    } else if (record.value() instanceof FrameVerdict v) {
      long latency = v.getVerdictTime().toEpochMilli() - v.getCaptureTime().toEpochMilli();
      update(v.getLineId(), null, start, a -> a.addVerdict(v.getVerdict(), latency));
      update(v.getLineId(), v.getCameraId(), start, a -> a.addVerdict(v.getVerdict(), latency));
    } else if (record.value() instanceof DefectEvent d) {
      update(d.getFrame().getLineId(), null, start, a -> a.addDefect(d.getDefectType()));
      update(d.getFrame().getLineId(), d.getFrame().getCameraId(), start,
          a -> a.addDefect(d.getDefectType()));
    }
    closeWindows(streamTime);
  }

  private void update(String lineId, String cameraId, long start,
      java.util.function.Consumer<WindowAggregate> change) {
    String key = key(start, lineId, cameraId);
    WindowAggregate agg = store.get(key);
    if (agg == null) {
      agg = new WindowAggregate(lineId, cameraId, start, start + windowMs);
    }
    change.accept(agg);
    store.put(key, agg);
  }

  /** Window start first, zero-padded, so that keys sort by window. */
  private static String key(long start, String lineId, String cameraId) {
    return String.format("%020d|%s|%s", start, lineId, cameraId == null ? "" : cameraId);
  }

  /** Emits and forgets every window whose end plus grace is at or before stream time. */
  void closeWindows(long streamTime) {
    long boundary = Math.floorDiv(streamTime - graceMs, windowMs) * windowMs;
    if (boundary <= lastSweepBoundary) {
      return;
    }
    List<KeyValue<String, WindowAggregate>> closed = new ArrayList<>();
    try (KeyValueIterator<String, WindowAggregate> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<String, WindowAggregate> entry = it.next();
        if (entry.value.windowEnd + graceMs > streamTime) {
          break;
        }
        closed.add(entry);
      }
    }
    for (KeyValue<String, WindowAggregate> entry : closed) {
      store.delete(entry.key);
      context.forward(new Record<>(entry.value.lineId, entry.value.toRecord(),
          entry.value.windowEnd - 1));
    }
    lastSweepBoundary = boundary;
  }
}
