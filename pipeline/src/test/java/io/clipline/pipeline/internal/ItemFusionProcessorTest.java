package io.clipline.pipeline.internal;

import static io.clipline.pipeline.TestRecords.verdict;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clipline.pipeline.TestRecords;
import io.clipline.schemas.FrameVerdict;
import io.clipline.schemas.Verdict;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedPunctuator;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fusion processor alone, its punctuator fired by hand. */
class ItemFusionProcessorTest {
  private static final long NOW = 1_700_000_000_000L;

  private MockProcessorContext<String, FusedItem> context;
  private KeyValueStore<String, PendingItem> store;
  private ItemFusionProcessor processor;

  @BeforeEach
  void setUp() {
    context = new MockProcessorContext<>();
    context.setCurrentSystemTimeMs(NOW);
    store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(StateStores.FUSION),
        Serdes.String(), PendingItem.SERDE).withLoggingDisabled().build();
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
    KeyValueStore<String, String> timers = Stores.keyValueStoreBuilder(
        Stores.inMemoryKeyValueStore(StateStores.FUSION_TIMERS), Serdes.String(), Serdes.String())
        .withLoggingDisabled().build();
    timers.init(context.getStateStoreContext(), timers);
    context.addStateStore(timers);
    processor = new ItemFusionProcessor(StateStores.FUSION, StateStores.FUSION_TIMERS,
        new LineDirectory(TestRecords.TOPOLOGY, null), 2_000, Verdict.UNSURE, 100, 60_000,
        new PipelineMetrics(new SimpleMeterRegistry()));
    processor.init(context);
  }

  private void process(FrameVerdict v) {
    processor.process(new Record<>(v.getItemId(), v, v.getCaptureTime().toEpochMilli()));
  }

  private CapturedPunctuator punctuator() {
    List<CapturedPunctuator> all = context.scheduledPunctuators();
    assertEquals(1, all.size());
    assertEquals(PunctuationType.WALL_CLOCK_TIME, all.get(0).getType());
    return all.get(0);
  }

  @Test
  void shouldWaitForTheDeadlineWhenAViewIsMissing() {
    process(verdict("L1/S1/C1", "item-1", 1, NOW - 50, Verdict.OK));
    process(verdict("L1/S1/C3", "item-1", 3, NOW - 40, Verdict.OK));

    punctuator().getPunctuator().punctuate(NOW + 1_999);
    assertTrue(context.forwarded().isEmpty(), "decided before the deadline");

    punctuator().getPunctuator().punctuate(NOW + 2_000);
    FusedItem fused = (FusedItem) context.forwarded().get(0).record().value();
    assertEquals(Verdict.UNSURE, fused.item().getVerdict());
    assertEquals(List.of("L1/S1/C2"), fused.item().getMissingViews());
    assertTrue(fused.failedByMissingViews());
    assertEquals("L1/S1/C1", fused.earliest().getCameraId());
  }

  @Test
  void shouldForgetDecidedItemWhenItsRetentionEnds() {
    process(verdict("L2/S1/C1", "item-2", 1, NOW - 50, Verdict.OK));
    assertEquals(1, context.forwarded().size());
    assertTrue(store.get("item-2").decided());

    punctuator().getPunctuator().punctuate(NOW + 59_999);
    assertTrue(store.get("item-2") != null, "forgotten too early");
    punctuator().getPunctuator().punctuate(NOW + 60_000);
    assertEquals(null, store.get("item-2"));
  }

  @Test
  void shouldKeepWorstFrameWhenACameraSeesTheItemTwice() {
    process(verdict("L1/S1/C1", "item-3", 1, NOW - 50, Verdict.OK));
    process(verdict("L1/S1/C1", "item-3", 2, NOW - 40, Verdict.NG, "dent", 0.9f));
    process(verdict("L1/S1/C2", "item-3", 3, NOW - 30, Verdict.OK));
    assertTrue(context.forwarded().isEmpty(), "two frames of one camera are one view");
    process(verdict("L1/S1/C3", "item-3", 4, NOW - 20, Verdict.OK));

    FusedItem fused = (FusedItem) context.forwarded().get(0).record().value();
    assertEquals(Verdict.NG, fused.item().getVerdict());
    assertEquals(3, fused.item().getViews().size());
    assertEquals("L1/S1/C1#2", fused.item().getViews().get(0).getFrameId());
    assertEquals("L1/S1/C1#2", fused.deciding().getFrameId());
  }

  @Test
  void shouldLeaveOverviewCameraOutWhenItSeesTheItem() {
    processor = new ItemFusionProcessor(StateStores.FUSION, StateStores.FUSION_TIMERS,
        new LineDirectory(io.clipline.pipeline.LineLayoutLoader.parse("""
            {"lines": [{"lineId": "L5", "stations": [{"stationId": "S1", "cameras": [
              {"cameraId": "L5/S1/C1"}, {"cameraId": "L5/S1/C2"},
              {"cameraId": "L5/S1/OV", "itemView": false}]}]}]}"""), null),
        2_000, Verdict.UNSURE, 100, 60_000, new PipelineMetrics(new SimpleMeterRegistry()));
    processor.init(context);
    process(verdict("L5/S1/OV", "item-4", 1, NOW - 50, Verdict.NG));
    process(verdict("L5/S1/C1", "item-4", 2, NOW - 40, Verdict.OK));
    assertTrue(context.forwarded().isEmpty(), "the overview frame counted as a view");

    process(verdict("L5/S1/C2", "item-4", 3, NOW - 30, Verdict.OK));
    FusedItem fused = (FusedItem) context.forwarded().get(0).record().value();
    assertEquals(Verdict.OK, fused.item().getVerdict());
    assertEquals(2, fused.item().getViews().size());
  }
}
