package io.clipline.pipeline.internal;

import static io.clipline.pipeline.TestRecords.verdict;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.clipline.pipeline.TestRecords;
import io.clipline.schemas.FrameVerdict;
import io.clipline.schemas.ItemVerdict;
import io.clipline.schemas.RejectCommand;
import io.clipline.schemas.Verdict;
import io.clipline.schemas.serde.TrustedRecords;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The reject stage alone: its de-duplication store and its expiry punctuator. */
class RejectDeduplicationTest {
  private static final long NOW = 1_700_000_000_000L;
  private static final long RETENTION = 3_600_000L;

  static {
    // Avro refuses to build records holding Clipline classes until they are trusted; the serdes
    // do this in the pipeline, and this test builds records before any serde exists.
    TrustedRecords.install();
  }

  private MockProcessorContext<String, SpecificRecord> context;
  private KeyValueStore<String, Long> store;
  private RejectDeduplication processor;
  private SimpleMeterRegistry registry;

  @BeforeEach
  void setUp() {
    context = new MockProcessorContext<>();
    context.setCurrentSystemTimeMs(NOW);
    store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(StateStores.REJECTS),
        Serdes.String(), Serdes.Long()).withLoggingDisabled().build();
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
    registry = new SimpleMeterRegistry();
    processor = new RejectDeduplication(StateStores.REJECTS,
        new LineDirectory(TestRecords.TOPOLOGY, null), RETENTION, new PipelineMetrics(registry));
    processor.init(context);
  }

  private static FusedItem ngItem(String itemId) {
    FrameVerdict view = verdict("L1/S1/C2", itemId, 5, NOW - 100, Verdict.NG, "dent", 0.9f);
    ItemVerdict item = ItemVerdict.newBuilder().setItemId(itemId).setLineId("L1")
        .setVerdict(Verdict.NG).setDefectTypes(List.of("dent"))
        .setFirstCaptureTime(view.getCaptureTime()).setDecidedTime(Instant.ofEpochMilli(NOW))
        .build();
    return new FusedItem(item, view, view, false);
  }

  @Test
  void shouldIssueOneCommandWhenTheSameItemIsDecidedAgain() {
    processor.process(new Record<>("item-1", ngItem("item-1"), NOW));
    processor.process(new Record<>("item-1", ngItem("item-1"), NOW));

    assertEquals(1, context.forwarded().size());
    RejectCommand command = (RejectCommand) context.forwarded().get(0).record().value();
    assertEquals("reject:L1:G1:item-1", command.getCommandId());
    assertEquals(NOW, store.get("reject:L1:G1:item-1"));
    assertEquals(1.0, registry.get("clipline.pipeline.rejects.duplicate").counter().count());
  }

  @Test
  void shouldForgetCommandIdWhenItsRetentionEnds() {
    processor.process(new Record<>("item-2", ngItem("item-2"), NOW));
    var punctuator = context.scheduledPunctuators().get(0).getPunctuator();

    punctuator.punctuate(NOW + RETENTION - 1);
    assertEquals(NOW, store.get("reject:L1:G1:item-2"));
    punctuator.punctuate(NOW + RETENTION);
    assertNull(store.get("reject:L1:G1:item-2"));
  }
}
