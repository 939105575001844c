package io.clipline.camera.internal;

import io.clipline.camera.GroundTruth;
import io.clipline.camera.SimulationSummary;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts acknowledged and dropped frames. The producer's I/O thread records, the sending thread
 * reads, so every counter is thread-safe.
 */
public final class SendTally {
  private final List<String> cameraIds;
  private final Map<String, LongAdder> perCamera = new ConcurrentHashMap<>();
  private final Map<GroundTruth.Label, LongAdder> perLabel = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> perDefect = new ConcurrentHashMap<>();
  private final LongAdder frames = new LongAdder();
  private final LongAdder bytes = new LongAdder();
  private final Map<String, LongAdder> dropped = new ConcurrentHashMap<>();
  private final AtomicLong lastAckNanos = new AtomicLong();

  public SendTally(List<String> cameraIds) {
    this.cameraIds = List.copyOf(cameraIds);
  }

  /** Records one frame the broker acknowledged. */
  public void recordAck(String cameraId, GroundTruth truth, long serializedBytes, long nowNanos) {
    frames.increment();
    bytes.add(serializedBytes);
    perCamera.computeIfAbsent(cameraId, id -> new LongAdder()).increment();
    perLabel.computeIfAbsent(truth.label(), l -> new LongAdder()).increment();
    if (truth.isDefective()) {
      perDefect.computeIfAbsent(truth.defectType(), t -> new LongAdder()).increment();
    }
    lastAckNanos.accumulateAndGet(nowNanos, Math::max);
  }

  /**
   * Records one frame given up on, by reason; returns whether it is the first of that reason.
   */
  public boolean recordDrop(String reason) {
    boolean[] first = {false};
    dropped.computeIfAbsent(reason, r -> {
      first[0] = true;
      return new LongAdder();
    }).increment();
    return first[0];
  }

  public long dropped() {
    return dropped.values().stream().mapToLong(LongAdder::sum).sum();
  }

  public long frames() {
    return frames.sum();
  }

  public long bytes() {
    return bytes.sum();
  }

  /** The summary of everything acknowledged since {@code startNanos}. */
  public SimulationSummary summary(long startNanos) {
    Map<String, Long> cameras = new LinkedHashMap<>();
    for (String cameraId : cameraIds) {
      LongAdder count = perCamera.get(cameraId);
      cameras.put(cameraId, count == null ? 0 : count.sum());
    }
    Map<GroundTruth.Label, Long> labels = new EnumMap<>(GroundTruth.Label.class);
    perLabel.forEach((label, count) -> labels.put(label, count.sum()));
    Map<String, Long> defects = new LinkedHashMap<>();
    perDefect.forEach((type, count) -> defects.put(type, count.sum()));
    long last = lastAckNanos.get();
    Duration elapsed = Duration.ofNanos(last == 0 ? 0 : Math.max(0, last - startNanos));
    Map<String, Long> drops = new LinkedHashMap<>();
    dropped.forEach((reason, count) -> drops.put(reason, count.sum()));
    return new SimulationSummary(frames(), bytes(), cameras, labels, defects, elapsed, dropped(),
        drops);
  }
}
