package io.clipline.pipeline.internal;

import io.clipline.schemas.FrameVerdict;
import io.clipline.schemas.ItemVerdict;
import io.clipline.schemas.ItemView;
import io.clipline.schemas.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Fuses the views of one item (records keyed by item id). An item is decided as soon as every
 * expected view arrived, or by a wall-clock punctuator once {@code deadlineMs} passed since its
 * first view, whichever is first. A second verdict for a frame already seen is dropped, and so is
 * a view of an item already decided (remembered for {@code decidedRetentionMs}).
 */
public final class ItemFusionProcessor
    implements Processor<String, FrameVerdict, String, FusedItem> {
  private static final Comparator<FrameVerdict> WORST_FIRST =
      Comparator.<FrameVerdict>comparingInt(v -> -ItemFusionRule.severity(v.getVerdict()))
          .thenComparing(v -> -v.getImageScore())
          .thenComparing(FrameVerdict::getCameraId);

  private final String storeName;
  private final String timerStoreName;
  private final LineDirectory topology;
  private final long deadlineMs;
  private final Verdict missingAs;
  private final long punctuateMs;
  private final long decidedRetentionMs;
  private final PipelineMetrics metrics;
  private ProcessorContext<String, FusedItem> context;
  private KeyValueStore<String, PendingItem> store;
  private KeyValueStore<String, String> timers;

  /**
   * @param storeName the items by id
   * @param timerStoreName when each item is due: its deadline while pending, the end of its
   *     retention once decided; keyed {@code dueMs|itemId} so that the punctuator reads only the
   *     due entries
   */
  public ItemFusionProcessor(String storeName, String timerStoreName, LineDirectory topology,
      long deadlineMs, Verdict missingAs, long punctuateMs, long decidedRetentionMs,
      PipelineMetrics metrics) {
    this.storeName = storeName;
    this.timerStoreName = timerStoreName;
    this.topology = topology;
    this.deadlineMs = deadlineMs;
    this.missingAs = missingAs;
    this.punctuateMs = punctuateMs;
    this.decidedRetentionMs = decidedRetentionMs;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, FusedItem> context) {
    this.context = context;
    topology.init(context);
    this.store = context.getStateStore(storeName);
    this.timers = context.getStateStore(timerStoreName);
    context.schedule(Duration.ofMillis(punctuateMs), PunctuationType.WALL_CLOCK_TIME,
        this::punctuate);
  }

  @Override
  public void process(Record<String, FrameVerdict> record) {
    FrameVerdict view = record.value();
    if (view == null || record.key() == null) {
      return;
    }
    String itemId = record.key();
    if (view.getItemId() != null && topology.placement(view.getCameraId())
        .map(p -> !p.camera().itemView()).orElse(false)) {
      return; // an overview camera: its frames count in the statistics, not in items
    }
    long now = context.currentSystemTimeMs();
    PendingItem item = store.get(itemId);
    if (item != null && item.decided()) {
      metrics.viewAfterDecision();
      return;
    }
    if (item != null && item.hasFrame(view.getFrameId())) {
      metrics.duplicateView();
      return;
    }
    if (item == null) {
      item = new PendingItem(view.getLineId(), now, -1, List.of());
      timers.put(timerKey(now + deadlineMs, itemId), itemId);
    }
    item = item.with(view);
    List<String> expected = expectedCameras(view);
    if (item.views().stream().map(FrameVerdict::getCameraId).filter(expected::contains)
        .distinct().count() >= expected.size()) {
      decide(itemId, item, now, "complete");
    } else {
      store.put(itemId, item);
    }
  }

  /** Decides overdue items and forgets decided ones past their retention. */
  void punctuate(long now) {
    List<KeyValue<String, String>> due = new ArrayList<>();
    try (KeyValueIterator<String, String> it =
        timers.range(timerKey(0, ""), String.format("%020d", now + 1))) {
      it.forEachRemaining(due::add);
    }
    for (KeyValue<String, String> timer : due) {
      timers.delete(timer.key);
      PendingItem item = store.get(timer.value);
      if (item == null) {
        continue;
      }
      if (item.decided()) {
        if (now - item.decidedMs() >= decidedRetentionMs) {
          store.delete(timer.value);
        }
      } else if (now - item.firstArrivalMs() >= deadlineMs) {
        decide(timer.value, item, now, "deadline");
      }
    }
  }

  /** Zero-padded due time first, so that timers sort by time. */
  private static String timerKey(long dueMs, String itemId) {
    return String.format("%020d|%s", dueMs, itemId);
  }

  private List<String> expectedCameras(FrameVerdict view) {
    if (view.getItemId() == null) {
      return List.of(view.getCameraId());
    }
    return topology.placement(view.getCameraId())
        .map(p -> p.line().itemViewCameras())
        .filter(cameras -> cameras.contains(view.getCameraId()))
        .orElse(List.of(view.getCameraId()));
  }

  private void decide(String itemId, PendingItem item, long now, String cause) {
    // The worst frame per camera is the camera's view.
    Map<String, FrameVerdict> perCamera = new TreeMap<>();
    for (FrameVerdict v : item.views()) {
      perCamera.merge(v.getCameraId(), v, (a, b) -> WORST_FIRST.compare(a, b) <= 0 ? a : b);
    }
    FrameVerdict earliest = item.views().stream()
        .min(Comparator.comparing(FrameVerdict::getCaptureTime)).orElseThrow();
    List<String> expected = expectedCameras(earliest);
    List<String> missing = expected.stream().filter(c -> !perCamera.containsKey(c)).toList();
    List<Verdict> verdicts = perCamera.values().stream().map(FrameVerdict::getVerdict).toList();
    Verdict fused = ItemFusionRule.fuse(verdicts, missing.size(), missingAs);
    Verdict withoutMissing = ItemFusionRule.fuse(verdicts, 0, missingAs);
    List<FrameVerdict> worstFirst = perCamera.values().stream().sorted(WORST_FIRST).toList();
    FrameVerdict deciding = worstFirst.get(0);
    LinkedHashSet<String> defectTypes = new LinkedHashSet<>();
    for (FrameVerdict v : worstFirst) {
      if (v.getTopDefectType() != null && v.getVerdict() != Verdict.OK) {
        defectTypes.add(v.getTopDefectType());
      }
    }
    List<ItemView> views = new ArrayList<>();
    for (FrameVerdict v : perCamera.values()) {
      views.add(ItemView.newBuilder().setCameraId(v.getCameraId()).setFrameId(v.getFrameId())
          .setVerdict(v.getVerdict()).setImageScore(v.getImageScore())
          .setTopDefectType(v.getTopDefectType()).build());
    }
    ItemVerdict verdict = ItemVerdict.newBuilder()
        .setItemId(itemId)
        .setLineId(item.lineId())
        .setProduct(earliest.getProduct())
        .setVerdict(fused)
        .setViews(views)
        .setMissingViews(missing)
        .setExpectedViews(expected.size())
        .setReason(reason(fused, deciding, missing))
        .setDefectTypes(new ArrayList<>(defectTypes))
        .setFirstCaptureTime(earliest.getCaptureTime())
        .setDecidedTime(Instant.ofEpochMilli(now))
        .build();
    store.put(itemId, item.decidedAt(now));
    timers.delete(timerKey(item.firstArrivalMs() + deadlineMs, itemId));
    timers.put(timerKey(now + decidedRetentionMs, itemId), itemId);
    metrics.itemDecided(cause);
    metrics.fusionWait(now - item.firstArrivalMs());
    boolean byMissing = fused != Verdict.OK
        && ItemFusionRule.severity(withoutMissing) < ItemFusionRule.severity(fused);
    context.forward(new Record<>(itemId, new FusedItem(verdict, earliest, deciding, byMissing),
        now));
  }

  private static String reason(Verdict fused, FrameVerdict deciding, List<String> missing) {
    Map<Verdict, String> text = new LinkedHashMap<>();
    if (deciding.getVerdict() != Verdict.OK) {
      text.put(deciding.getVerdict(), deciding.getVerdict() + " on " + deciding.getCameraId()
          + Optional.ofNullable(deciding.getTopDefectType()).map(t -> ": " + t).orElse(""));
    }
    StringBuilder out = new StringBuilder(fused == Verdict.OK ? "all views OK" : "");
    if (text.containsKey(fused)) {
      out.append(text.get(fused));
    }
    if (!missing.isEmpty()) {
      out.append(out.length() > 0 ? "; " : "").append("missing view")
          .append(missing.size() > 1 ? "s " : " ").append(String.join(", ", missing));
    }
    return out.toString();
  }
}
