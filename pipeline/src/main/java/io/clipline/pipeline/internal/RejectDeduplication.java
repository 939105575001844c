package io.clipline.pipeline.internal;

import io.clipline.pipeline.LineLayout;
import io.clipline.schemas.AlertKind;
import io.clipline.schemas.AlertSeverity;
import io.clipline.schemas.AlertState;
import io.clipline.schemas.ItemVerdict;
import io.clipline.schemas.RejectCommand;
import io.clipline.schemas.RejectReason;
import io.clipline.schemas.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns decided items into at most one {@link RejectCommand} each. NG items are rejected, and
 * UNSURE ones when their line has {@code rejectOnUnsure}. The command goes to the gate of the
 * station of the item's earliest view, keyed {@code lineId/gateId}, with deadline = earliest
 * capture time + that station's travel time and the deterministic id {@code
 * reject:line:gate:item}. An id already in the de-duplication store is not issued again; an item
 * decided after its deadline yields a LATE_VERDICT alert (keyed by line) instead of a command.
 */
public final class RejectDeduplication
    implements Processor<String, FusedItem, String, SpecificRecord> {
  private static final Logger LOG = LoggerFactory.getLogger(RejectDeduplication.class);

  private final String storeName;
  private final LineDirectory topology;
  private final long retentionMs;
  private final PipelineMetrics metrics;
  private ProcessorContext<String, SpecificRecord> context;
  private KeyValueStore<String, Long> issued;

  public RejectDeduplication(String storeName, LineDirectory topology, long retentionMs,
      PipelineMetrics metrics) {
    this.storeName = storeName;
    this.topology = topology;
    this.retentionMs = retentionMs;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    topology.init(context);
    this.issued = context.getStateStore(storeName);
    context.schedule(Duration.ofMillis(Math.max(1_000, retentionMs / 10)),
        PunctuationType.WALL_CLOCK_TIME, this::expire);
  }

  @Override
  public void process(Record<String, FusedItem> record) {
    FusedItem fused = record.value();
    ItemVerdict item = fused.item();
    Optional<RejectReason> reason = reason(fused);
    if (reason.isEmpty()) {
      return;
    }
    Optional<LineLayout.Placement> placement =
        topology.placement(fused.earliest().getCameraId());
    if (placement.isEmpty() || placement.get().station().gateId() == null) {
      metrics.unroutableReject();
      LOG.warn("Item {} is to be rejected ({}) but camera {} has no reject gate in the line"
          + " topology", item.getItemId(), reason.get(), fused.earliest().getCameraId());
      return;
    }
    String lineId = item.getLineId();
    String gateId = placement.get().station().gateId();
    String commandId = "reject:" + lineId + ":" + gateId + ":" + item.getItemId();
    if (issued.get(commandId) != null) {
      metrics.duplicateReject();
      return;
    }
    long now = context.currentSystemTimeMs();
    issued.put(commandId, now);
    long capture = item.getFirstCaptureTime().toEpochMilli();
    long deadline = capture + placement.get().station().travelTimeMs();
    if (now > deadline) {
      metrics.lateVerdict();
      String message = String.format("item %s reached gate %s %d ms before its %s verdict"
          + " (travel %d ms); not rejected", item.getItemId(), gateId, now - deadline,
          item.getVerdict(), placement.get().station().travelTimeMs());
      // A late verdict is a point event: its episode fires and clears at once.
      for (AlertState state : List.of(AlertState.FIRING, AlertState.CLEARED)) {
        context.forward(new Record<>(lineId, AlertRecords.alert(AlertKind.LATE_VERDICT, state,
            lineId, fused.earliest().getCameraId(), null, deadline, now - deadline,
            placement.get().station().travelTimeMs(), AlertSeverity.CRITICAL, message, now),
            record.timestamp()));
      }
      return;
    }
    RejectCommand command = RejectCommand.newBuilder()
        .setCommandId(commandId)
        .setItemId(item.getItemId())
        .setLineId(lineId)
        .setGateId(gateId)
        .setReason(reason.get())
        .setDefectTypes(new ArrayList<>(item.getDefectTypes()))
        .setDeadline(Instant.ofEpochMilli(deadline))
        .setCaptureTime(item.getFirstCaptureTime())
        .setIssuedTime(Instant.ofEpochMilli(now))
        .setSequence(fused.earliest().getSequence())
        .setModelVersion(fused.deciding().getModelVersion())
        .setThresholdVersion(fused.deciding().getThresholdVersion())
        .build();
    context.forward(new Record<>(lineId + "/" + gateId, command, record.timestamp()));
  }

  private Optional<RejectReason> reason(FusedItem fused) {
    Verdict verdict = fused.item().getVerdict();
    boolean rejectOnUnsure = topology.line(fused.item().getLineId())
        .map(LineLayout.Line::rejectOnUnsure).orElse(false);
    if (verdict == Verdict.NG || (verdict == Verdict.UNSURE && rejectOnUnsure)) {
      if (fused.failedByMissingViews()) {
        return Optional.of(RejectReason.MISSING_VIEWS);
      }
      return Optional.of(verdict == Verdict.NG ? RejectReason.NG : RejectReason.UNSURE);
    }
    return Optional.empty();
  }

  private void expire(long now) {
    List<String> old = new ArrayList<>();
    try (KeyValueIterator<String, Long> it = issued.all()) {
      while (it.hasNext()) {
        KeyValue<String, Long> entry = it.next();
        if (now - entry.value >= retentionMs) {
          old.add(entry.key);
        }
      }
    }
    old.forEach(issued::delete);
  }
}
