package io.clipline.pipeline.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clipline.schemas.Alert;
import io.clipline.schemas.AlertKind;
import io.clipline.schemas.AlertSeverity;
import io.clipline.schemas.AlertState;
import io.clipline.schemas.LineStats;
import io.clipline.schemas.serde.TrustedRecords;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The EWMA surge rule on one line's NG rate: factor 3, min delta 0.05, 20 frames, 3 windows. */
class SurgeDetectorTest {
  private static final long MINUTE = 60_000L;

  static {
    TrustedRecords.install(); // LineStats holds no Clipline class, but keep the serdes' setting
  }

  private static LineStats window(int index, long frames, long ng) {
    return LineStats.newBuilder().setLineId("L1").setCameraId(null)
        .setWindowStart(Instant.ofEpochMilli(index * MINUTE))
        .setWindowEnd(Instant.ofEpochMilli((index + 1) * MINUTE))
        .setFrames(frames).setNgCount(ng).setOkCount(frames - ng)
        .setDefectTypeCounts(Map.of()).build();
  }

  @ParameterizedTest(name = "baseline {0}/20, window {2}/{1} -> {3}")
  @CsvSource({
      // ten times the baseline and far above it: critical
      "1, 20, 10, CRITICAL",
      // four times the baseline, 15 points above: a warning
      "1, 20, 4,  WARNING",
      // twice the baseline: below the factor
      "1, 20, 2,  NONE",
      // from a zero baseline only the minimum delta gates: exactly 5 points fires
      "0, 20, 1,  WARNING",
      // from a zero baseline, 4 points is below the minimum delta
      "0, 25, 1,  NONE",
      // a surge in a window with too few frames is not judged
      "1, 10, 5,  NONE",
  })
  void shouldJudgeWindowAgainstBaselineWhenWarmedUp(int baselineNg, long frames, long ng,
      String expected) {
    MockProcessorContext<String, Alert> context = new MockProcessorContext<>();
    KeyValueStore<String, Map<String, SurgeDetector.Baseline>> store = Stores.keyValueStoreBuilder(
        Stores.inMemoryKeyValueStore(StateStores.SURGE), Serdes.String(), SurgeDetector.SERDE)
        .withLoggingDisabled().build();
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
    SurgeDetector detector = new SurgeDetector(StateStores.SURGE, 0.2, 3.0, 0.05, 20, 3);
    detector.init(context);
    for (int w = 0; w < 3; w++) {
      detector.process(new Record<>("L1", window(w, 20, baselineNg), w * MINUTE));
    }
    assertTrue(context.forwarded().isEmpty(), "judged during warm-up");

    detector.process(new Record<>("L1", window(3, frames, ng), 3 * MINUTE));
    if (expected.equals("NONE")) {
      assertTrue(context.forwarded().isEmpty());
      return;
    }
    Alert alert = (Alert) context.forwarded().get(0).record().value();
    assertEquals(AlertKind.NG_RATE_SURGE, alert.getKind());
    assertEquals(AlertState.FIRING, alert.getState());
    assertEquals(AlertSeverity.valueOf(expected), alert.getSeverity());
    assertEquals((double) ng / frames, alert.getObservedValue(), 1e-9);
    assertEquals(baselineNg / 20.0, alert.getBaselineValue(), 1e-9);
  }
}
