package io.clipline.pipeline;

import static io.clipline.pipeline.TestRecords.defect;
import static io.clipline.pipeline.TestRecords.verdict;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clipline.schemas.Alert;
import io.clipline.schemas.AlertKind;
import io.clipline.schemas.AlertState;
import io.clipline.schemas.DeadLetter;
import io.clipline.schemas.DeadLetterStage;
import io.clipline.schemas.DefectEvent;
import io.clipline.schemas.FrameVerdict;
import io.clipline.schemas.ItemVerdict;
import io.clipline.schemas.LineStats;
import io.clipline.schemas.RejectCommand;
import io.clipline.schemas.RejectReason;
import io.clipline.schemas.Verdict;
import io.clipline.schemas.serde.AvroSerde;
import io.clipline.schemas.topic.TopicCatalog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every rule of the pipeline through {@link TopologyTestDriver}. */
class PipelineTopologyTest {
  /** Wall clock at the start of each test; a whole minute, so windows start on it. */
  private static final long T0 = 1_700_000_040_000L;
  private static final long MINUTE = 60_000L;

  private TopologyTestDriver driver;
  private SimpleMeterRegistry registry;
  private TestInputTopic<String, FrameVerdict> verdicts;
  private TestInputTopic<String, DefectEvent> defects;
  private TestOutputTopic<String, ItemVerdict> items;
  private TestOutputTopic<String, RejectCommand> rejects;
  private TestOutputTopic<String, LineStats> stats;
  private TestOutputTopic<String, Alert> alerts;
  private TestOutputTopic<String, DeadLetter> deadLetters;

  private void start(Map<String, Object> overrides) {
    Map<String, Object> props = new HashMap<>();
    props.put(PipelineConfig.APPLICATION_ID, "pipeline-test");
    props.put(PipelineConfig.BOOTSTRAP_SERVERS, "unused:9092");
    props.putAll(overrides);
    registry = new SimpleMeterRegistry();
    PipelineTopology topology =
        new PipelineTopology(new PipelineConfig(props), TestRecords.TOPOLOGY, registry);
    StreamsBuilder builder = new StreamsBuilder();
    topology.buildTopology(builder);
    driver = new TopologyTestDriver(builder.build(topology.config()), topology.config(),
        Instant.ofEpochMilli(T0));
    StringSerializer keys = new StringSerializer();
    verdicts = driver.createInputTopic(TopicCatalog.VERDICTS.name(), keys,
        AvroSerde.of(FrameVerdict.class).serializer());
    defects = driver.createInputTopic(TopicCatalog.DEFECTS.name(), keys,
        AvroSerde.of(DefectEvent.class).serializer());
    StringDeserializer keysOut = new StringDeserializer();
    items = driver.createOutputTopic(TopicCatalog.ITEMS.name(), keysOut,
        AvroSerde.of(ItemVerdict.class).deserializer());
    rejects = driver.createOutputTopic(TopicCatalog.REJECTS.name(), keysOut,
        AvroSerde.of(RejectCommand.class).deserializer());
    stats = driver.createOutputTopic(TopicCatalog.LINE_STATS.name(), keysOut,
        AvroSerde.of(LineStats.class).deserializer());
    alerts = driver.createOutputTopic(TopicCatalog.ALERTS.name(), keysOut,
        AvroSerde.of(Alert.class).deserializer());
    deadLetters = driver.createOutputTopic(TopicCatalog.FRAMES_DLQ.name(), keysOut,
        AvroSerde.of(DeadLetter.class).deserializer());
  }

  private void start() {
    start(Map.of());
  }

  @AfterEach
  void close() {
    if (driver != null) {
      driver.close();
    }
  }

  private void pipe(FrameVerdict v) {
    verdicts.pipeInput(v.getCameraId(), v);
  }

  private double counter(String name) {
    return registry.find(name).counters().stream().mapToDouble(c -> c.count()).sum();
  }

  // ---- item fusion and rejects ------------------------------------------------------------

  @Test
  void shouldRejectItemWhenSecondOfThreeViewsIsNg() {
    start();
    pipe(verdict("L1/S1/C1", "item-1", 10, T0 - 300, Verdict.OK));
    pipe(verdict("L1/S1/C2", "item-1", 20, T0 - 200, Verdict.NG, "scratch", 0.9f));
    assertTrue(items.isEmpty(), "decided before the third view");
    pipe(verdict("L1/S1/C3", "item-1", 30, T0 - 100, Verdict.OK));

    ItemVerdict item = items.readValue();
    assertEquals(Verdict.NG, item.getVerdict());
    assertEquals(List.of("L1/S1/C1", "L1/S1/C2", "L1/S1/C3"),
        item.getViews().stream().map(v -> v.getCameraId()).toList());
    assertEquals(List.of(), item.getMissingViews());
    assertEquals(List.of("scratch"), item.getDefectTypes());
    assertEquals("NG on L1/S1/C2: scratch", item.getReason());
    KeyValue<String, RejectCommand> reject = rejects.readKeyValue();
    assertEquals("L1/G1", reject.key);
    RejectCommand command = reject.value;
    assertEquals("reject:L1:G1:item-1", command.getCommandId());
    assertEquals(RejectReason.NG, command.getReason());
    assertEquals(Instant.ofEpochMilli(T0 - 300 + 5000), command.getDeadline());
    assertEquals(10, command.getSequence());
    assertEquals("texture-1", command.getModelVersion());
    assertEquals("cal-7", command.getThresholdVersion());
    assertEquals(List.of("scratch"), command.getDefectTypes());
    assertTrue(items.isEmpty() && rejects.isEmpty());
  }

  @Test
  void shouldPassItemWithoutRejectWhenAllViewsAreOk() {
    start();
    for (int c = 1; c <= 3; c++) {
      pipe(verdict("L1/S1/C" + c, "item-ok", c, T0 - 100, Verdict.OK));
    }
    assertEquals(Verdict.OK, items.readValue().getVerdict());
    assertTrue(rejects.isEmpty());
  }

  @ParameterizedTest(name = "missing view as {0}")
  @CsvSource({
      // default, fail-safe: the item goes to review, no reject on a line without rejectOnUnsure
      "UNSURE, UNSURE, ",
      // a line that treats a missing view as a defect rejects the item for that reason
      "NG,     NG,     MISSING_VIEWS",
      // a line that trusts the views it got passes the item
      "OK,     OK,     ",
  })
  void shouldDecideAtDeadlineWhenAViewNeverArrives(String missingAs, Verdict expected,
      RejectReason reason) {
    start(Map.of(PipelineConfig.FUSION_MISSING_VIEW_VERDICT, missingAs));
    pipe(verdict("L1/S1/C1", "item-2", 1, T0 - 100, Verdict.OK));
    pipe(verdict("L1/S1/C2", "item-2", 2, T0 - 100, Verdict.OK));
    driver.advanceWallClockTime(Duration.ofMillis(1_900));
    assertTrue(items.isEmpty(), "decided before the deadline");

    driver.advanceWallClockTime(Duration.ofMillis(200));
    ItemVerdict item = items.readValue();
    assertEquals(expected, item.getVerdict());
    assertEquals(List.of("L1/S1/C3"), item.getMissingViews());
    assertEquals(3, item.getExpectedViews());
    if (reason == null) {
      assertTrue(rejects.isEmpty());
    } else {
      assertEquals(reason, rejects.readValue().getReason());
    }
  }

  @Test
  void shouldIgnoreViewWhenItArrivesAfterItsItemWasDecided() {
    start();
    pipe(verdict("L1/S1/C1", "item-3", 1, T0 - 100, Verdict.OK));
    driver.advanceWallClockTime(Duration.ofMillis(2_100));
    assertEquals(Verdict.UNSURE, items.readValue().getVerdict());

    pipe(verdict("L1/S1/C2", "item-3", 2, T0 - 100, Verdict.NG));
    driver.advanceWallClockTime(Duration.ofMillis(2_100));
    assertTrue(items.isEmpty() && rejects.isEmpty());
    assertEquals(1.0, counter("clipline.pipeline.verdicts.after.decision"));
  }

  @Test
  void shouldIssueOneRejectWhenVerdictsAreDuplicated() {
    start();
    for (int round = 0; round < 2; round++) {
      pipe(verdict("L1/S1/C1", "item-4", 1, T0 - 100, Verdict.NG, "dent", 0.8f));
      pipe(verdict("L1/S1/C1", "item-4", 1, T0 - 100, Verdict.NG, "dent", 0.8f));
      pipe(verdict("L1/S1/C2", "item-4", 2, T0 - 100, Verdict.OK));
    }
    pipe(verdict("L1/S1/C3", "item-4", 3, T0 - 100, Verdict.OK));
    pipe(verdict("L1/S1/C3", "item-4", 3, T0 - 100, Verdict.OK));
    driver.advanceWallClockTime(Duration.ofSeconds(5));

    assertEquals(1, items.readValuesToList().size());
    List<RejectCommand> commands = rejects.readValuesToList();
    assertEquals(1, commands.size());
    assertEquals("reject:L1:G1:item-4", commands.get(0).getCommandId());
    // C1 twice in round one, C1 twice and C2 once in round two;
    // C3's repeat comes after the decision
    assertEquals(4.0, counter("clipline.pipeline.verdicts.duplicate"));
    assertEquals(1.0, counter("clipline.pipeline.verdicts.after.decision"));
  }

  @Test
  void shouldAlertLateInsteadOfRejectingWhenVerdictComesAfterTheDeadline() {
    start();
    long capture = T0 - 6_000; // the gate is 5 s away: the item passed it a second ago
    for (int c = 1; c <= 3; c++) {
      pipe(verdict("L1/S1/C" + c, "item-5", c, capture, c == 3 ? Verdict.NG : Verdict.OK));
    }

    assertEquals(Verdict.NG, items.readValue().getVerdict());
    assertTrue(rejects.isEmpty(), "a command the gate can no longer act on");
    List<Alert> late = alerts.readValuesToList();
    assertEquals(List.of(AlertState.FIRING, AlertState.CLEARED),
        late.stream().map(Alert::getState).toList());
    Alert firing = late.get(0);
    assertEquals(AlertKind.LATE_VERDICT, firing.getKind());
    assertEquals("L1", firing.getLineId());
    assertEquals(Instant.ofEpochMilli(capture + 5_000), firing.getSince());
    assertEquals(1_000.0, firing.getObservedValue(), 1e-9);
    assertEquals(1.0, counter("clipline.pipeline.verdicts.late"));
  }

  @Test
  void shouldRejectUnsureItemWhenLineRejectsOnDoubt() {
    start();
    pipe(verdict("L2/S1/C1", "item-6", 1, T0 - 100, Verdict.UNSURE));
    assertEquals(Verdict.UNSURE, items.readValue().getVerdict());
    KeyValue<String, RejectCommand> reject = rejects.readKeyValue();
    assertEquals("L2/G9", reject.key);
    assertEquals(RejectReason.UNSURE, reject.value.getReason());
  }

  @Test
  void shouldDecideFrameAsItemOfOneViewWhenItHasNoItemId() {
    start();
    FrameVerdict v = verdict("L1/S1/C1", null, 7, T0 - 100, Verdict.NG, "crack", 0.9f);
    pipe(v);
    KeyValue<String, ItemVerdict> item = items.readKeyValue();
    assertEquals(v.getFrameId(), item.key);
    assertEquals(1, item.value.getExpectedViews());
    assertEquals(Verdict.NG, item.value.getVerdict());
    assertEquals("reject:L1:G1:" + v.getFrameId(), rejects.readValue().getCommandId());
  }

  @Test
  void shouldCountOutputsWhenRecordsAreWritten() {
    start();
    pipe(verdict("L2/S1/C1", "item-7", 1, T0 - 100, Verdict.NG));
    assertEquals(1.0, registry.get("clipline.pipeline.output.records").tag("output", "items")
        .counter().count());
    assertEquals(1.0, registry.get("clipline.pipeline.output.records").tag("output", "rejects")
        .counter().count());
    assertEquals(1L, registry.get("clipline.pipeline.fusion.wait").timer().count());
  }

  // ---- line topology from the topic -------------------------------------------------------

  private TestInputTopic<String, String> lineTopic() {
    start(Map.of(PipelineConfig.LINE_TOPOLOGY_TOPIC, "clipline.line-topology"));
    return driver.createInputTopic("clipline.line-topology", new StringSerializer(),
        new StringSerializer());
  }

  @Test
  void shouldFuseAndRouteByTopicLineWhenOnlyTheTopicKnowsTheLine() {
    TestInputTopic<String, String> lines = lineTopic();
    lines.pipeInput("L3", """
        {"lineId": "L3", "stations": [{"stationId": "S1", "gateId": "G3", "travelTimeMs": 9000,
          "cameras": [{"cameraId": "L3/S1/A"}, {"cameraId": "L3/S1/B"}]}]}""");
    pipe(verdict("L3/S1/A", "item-t", 1, T0 - 100, Verdict.NG));
    assertTrue(items.isEmpty(), "decided before the topic line's second view");

    pipe(verdict("L3/S1/B", "item-t", 2, T0 - 100, Verdict.OK));
    assertEquals(2, items.readValue().getExpectedViews());
    KeyValue<String, RejectCommand> reject = rejects.readKeyValue();
    assertEquals("L3/G3", reject.key);
    assertEquals(Instant.ofEpochMilli(T0 - 100 + 9_000), reject.value.getDeadline());
  }

  @Test
  void shouldKeepFileLineWhenTheTopicRecordIsInvalidAndReplaceItWhenValid() {
    TestInputTopic<String, String> lines = lineTopic();
    lines.pipeInput("L2", "{\"lineId\": \"L2\", \"stations\": []}");
    pipe(verdict("L2/S1/C1", "item-u1", 1, T0 - 100, Verdict.UNSURE));
    assertEquals(RejectReason.UNSURE, rejects.readValue().getReason(), "file line in force");

    lines.pipeInput("L2", """
        {"lineId": "L2", "rejectOnUnsure": false, "stations": [{"stationId": "S1",
          "gateId": "G9", "travelTimeMs": 5000, "cameras": [{"cameraId": "L2/S1/C1"}]}]}""");
    pipe(verdict("L2/S1/C1", "item-u2", 2, T0 - 100, Verdict.UNSURE));
    assertEquals(Verdict.UNSURE, items.readValuesToList().get(1).getVerdict());
    assertTrue(rejects.isEmpty(), "the topic's line does not reject on doubt");
  }

  // ---- dead letters -------------------------------------------------------------------------

  @Test
  void shouldDeadLetterMalformedVerdictAndKeepRunningWhenBytesAreNotAvro() {
    // At-least-once here: under exactly-once the driver's mock producer does not hand back a dead
    // letter sent while a record is being deserialized. PipelineIntegrationTest covers the DLQ
    // with exactly-once on a real broker.
    start(Map.of(PipelineConfig.EXACTLY_ONCE, false));
    TestInputTopic<String, byte[]> raw = driver.createInputTopic(TopicCatalog.VERDICTS.name(),
        new StringSerializer(), new ByteArraySerializer());
    byte[] junk = "{\"frameId\":\"json\"}".getBytes(StandardCharsets.UTF_8);
    raw.pipeInput("L1/S1/C1", junk);
    pipe(verdict("L2/S1/C1", "item-8", 1, T0 - 100, Verdict.OK));

    assertEquals("item-8", items.readValue().getItemId(), "the application kept running");
    KeyValue<String, DeadLetter> letter = deadLetters.readKeyValue();
    assertEquals("L1/S1/C1", letter.key);
    assertEquals(DeadLetterStage.PIPELINE, letter.value.getStage());
    assertEquals("schema.not_avro", letter.value.getReasonCode());
    assertEquals(TopicCatalog.VERDICTS.name(), letter.value.getOriginalTopic());
    assertEquals(junk.length, letter.value.getOriginalValueSize());
    assertTrue(letter.value.getReason().contains("C3 01"), letter.value.getReason());
    assertEquals(1.0, registry.get("clipline.pipeline.dead.letters")
        .tag("reason", "schema.not_avro").counter().count());
  }

  // ---- line statistics ----------------------------------------------------------------------

  @Test
  void shouldEmitWindowOnceWhenStreamTimePassesItsEndPlusGrace() {
    start(Map.of(PipelineConfig.STATS_WINDOW_MS, MINUTE, PipelineConfig.STATS_GRACE_MS, 10_000L));
    pipe(verdict("L2/S1/C1", null, 1, T0, Verdict.OK)); // first instant of window 0
    pipe(verdict("L2/S1/C1", null, 2, T0 + MINUTE - 1, Verdict.NG, "scratch", 0.9f)); // last
    defects.pipeInput("L2/S1/C1", defect("L2/S1/C1", 2, T0 + MINUTE - 1, "scratch"));
    defects.pipeInput("L2/S1/C1", defect("L2/S1/C1", 2, T0 + MINUTE - 1, null));
    pipe(verdict("L2/S1/C1", null, 3, T0 + MINUTE, Verdict.OK)); // first instant of window 1
    pipe(verdict("L2/S1/C1", null, 4, T0 + MINUTE + 9_999, Verdict.OK));
    assertTrue(stats.isEmpty(), "window 0 closed before its grace ended");

    pipe(verdict("L2/S1/C1", null, 5, T0 + MINUTE + 10_000, Verdict.UNSURE));
    Map<String, LineStats> byScope = stats.readValuesToList().stream().collect(
        Collectors.toMap(s -> String.valueOf(s.getCameraId()), s -> s));
    assertEquals(2, byScope.size(), "one record for the line, one for its camera");
    LineStats line = byScope.get("null");
    assertEquals(Instant.ofEpochMilli(T0), line.getWindowStart());
    assertEquals(Instant.ofEpochMilli(T0 + MINUTE), line.getWindowEnd());
    assertEquals(2, line.getFrames());
    assertEquals(1, line.getOkCount());
    assertEquals(1, line.getNgCount());
    assertEquals(0.5, line.getYieldRate(), 1e-9);
    assertEquals(Map.of("scratch", 1L, "unknown", 1L), line.getDefectTypeCounts());
    assertEquals(40f, line.getLatencyP50Ms(), 0.5f);
    assertEquals(40f, line.getLatencyP99Ms(), 0.5f);
    assertEquals(line.getFrames(), byScope.get("L2/S1/C1").getFrames());
  }

  @Test
  void shouldCountVerdictWithinGraceAndDropItAfterGrace() {
    start(Map.of(PipelineConfig.STATS_WINDOW_MS, MINUTE, PipelineConfig.STATS_GRACE_MS, 10_000L));
    pipe(verdict("L2/S1/C1", null, 1, T0 + 1_000, Verdict.OK));
    pipe(verdict("L2/S1/C1", null, 2, T0 + MINUTE + 5_000, Verdict.OK)); // stream time moves on
    pipe(verdict("L2/S1/C1", null, 3, T0 + 2_000, Verdict.NG)); // late but within grace: counted
    pipe(verdict("L2/S1/C1", null, 4, T0 + MINUTE + 10_000, Verdict.OK)); // closes window 0
    pipe(verdict("L2/S1/C1", null, 5, T0 + 3_000, Verdict.NG)); // after grace: dropped

    List<LineStats> emitted = stats.readValuesToList();
    assertEquals(2, emitted.size());
    assertEquals(2, emitted.get(0).getFrames());
    assertEquals(1, emitted.get(0).getNgCount());
    assertEquals(1.0, counter("clipline.pipeline.stats.too.late"));

    pipe(verdict("L2/S1/C1", null, 6, T0 + 3 * MINUTE, Verdict.OK));
    LineStats window1 = stats.readValuesToList().get(0);
    assertEquals(Instant.ofEpochMilli(T0 + MINUTE), window1.getWindowStart());
    assertEquals(2, window1.getFrames(), "the dropped verdict is not in the next window either");
  }

  // ---- alerts -------------------------------------------------------------------------------

  /** Twenty verdicts of camera L2/S1/C1 in minute {@code window}, {@code ng} of them NG. */
  private void window(int window, int ng) {
    for (int i = 0; i < 20; i++) {
      long capture = T0 + window * MINUTE + i * 1_000L;
      pipe(verdict("L2/S1/C1", null, window * 100L + i, capture,
          i < ng ? Verdict.NG : Verdict.OK));
    }
  }

  private List<Alert> alertsOf(AlertKind kind) {
    return alerts.readValuesToList().stream().filter(a -> a.getKind() == kind).toList();
  }

  @Test
  void shouldFireNgSurgeAndClearItWhenTheRateReturnsToBaseline() {
    start(Map.of(PipelineConfig.STATS_GRACE_MS, 0L));
    window(0, 1);
    window(1, 1);
    window(2, 1);
    window(3, 10); // 50 % NG against a 5 % baseline
    window(4, 10); // still surging: fires again, same episode
    window(5, 1);
    window(6, 0); // closes window 5
    List<Alert> surge = alertsOf(AlertKind.NG_RATE_SURGE).stream()
        .filter(a -> a.getCameraId() == null).toList();

    assertEquals(List.of(AlertState.FIRING, AlertState.FIRING, AlertState.CLEARED),
        surge.stream().map(Alert::getState).toList());
    Alert first = surge.get(0);
    assertEquals(Instant.ofEpochMilli(T0 + 3 * MINUTE), first.getSince());
    assertEquals(0.5, first.getObservedValue(), 1e-9);
    assertEquals(0.05, first.getBaselineValue(), 1e-9);
    assertEquals("L2", first.getLineId());
    assertEquals(first.getAlertId(), surge.get(2).getAlertId());
    assertEquals(4.0, registry.get("clipline.pipeline.alerts").tag("kind", "NG_RATE_SURGE")
        .tag("state", "FIRING").counter().count(), "two firings for the line, two for its camera");
  }

  @Test
  void shouldFireDefectSurgeWhenOneDefectTypeJumps() {
    start(Map.of(PipelineConfig.STATS_GRACE_MS, 0L));
    for (int w = 0; w < 5; w++) {
      window(w, 0);
      int dents = w == 3 ? 8 : 0;
      for (int i = 0; i < dents; i++) {
        defects.pipeInput("L2/S1/C1",
            defect("L2/S1/C1", w * 100L + i, T0 + w * MINUTE + i, "dent"));
      }
    }
    List<Alert> surge = alertsOf(AlertKind.DEFECT_SURGE);
    assertEquals(AlertState.FIRING, surge.get(0).getState());
    assertEquals("dent", surge.get(0).getDefectType());
    assertEquals(0.4, surge.get(0).getObservedValue(), 1e-9);
  }

  @Test
  void shouldFireScoreDriftAndClearItWhenScoresReturn() {
    start(Map.of(PipelineConfig.DRIFT_WARMUP_FRAMES, 20));
    long t = T0;
    int seq = 0;
    for (int i = 0; i < 20; i++) { // reference: 0.2 ± 0.01
      pipe(verdict("L2/S1/C1", null, seq++, t += 100, Verdict.OK, null, 0.19f + 0.02f * (i % 2)));
    }
    for (int i = 0; i < 5; i++) { // +5 sd: CUSUM passes h = 8 on the second frame
      pipe(verdict("L2/S1/C1", null, seq++, t += 100, Verdict.OK, null, 0.25f));
    }
    for (int i = 0; i < 60; i++) {
      pipe(verdict("L2/S1/C1", null, seq++, t += 100, Verdict.OK, null, 0.19f + 0.02f * (i % 2)));
    }
    List<Alert> drift = alertsOf(AlertKind.SCORE_DRIFT);

    assertEquals(List.of(AlertState.FIRING, AlertState.CLEARED),
        drift.stream().map(Alert::getState).toList());
    assertEquals("L2/S1/C1", drift.get(0).getCameraId());
    assertEquals(Instant.ofEpochMilli(T0 + 22 * 100), drift.get(0).getSince());
  }

  @Test
  void shouldFireCameraSilentAndClearItWhenTheCameraIsBack() {
    start();
    pipe(verdict("L1/S1/C1", null, 1, T0, Verdict.OK));
    alerts.readValuesToList();
    driver.advanceWallClockTime(Duration.ofMillis(4_000));
    assertTrue(alertsOf(AlertKind.CAMERA_SILENT).isEmpty(), "silent before 5 x 1 s");

    driver.advanceWallClockTime(Duration.ofMillis(2_000));
    Alert silent = alertsOf(AlertKind.CAMERA_SILENT).get(0);
    assertEquals(AlertState.FIRING, silent.getState());
    assertEquals("L1/S1/C1", silent.getCameraId());
    assertEquals(Instant.ofEpochMilli(T0), silent.getSince());

    pipe(verdict("L1/S1/C1", null, 2, T0 + 6_000, Verdict.OK));
    Alert back = alertsOf(AlertKind.CAMERA_SILENT).get(0);
    assertEquals(AlertState.CLEARED, back.getState());
    assertEquals(silent.getAlertId(), back.getAlertId());
    assertNull(back.getDefectType());
  }
}
