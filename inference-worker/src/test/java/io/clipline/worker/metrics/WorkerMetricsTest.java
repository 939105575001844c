package io.clipline.worker.metrics;

import static io.clipline.worker.metrics.SampleRecords.VERDICT_TIME;
import static io.clipline.worker.metrics.SampleRecords.deadLetter;
import static io.clipline.worker.metrics.SampleRecords.verdict;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clipline.schemas.StageLatencies;
import io.clipline.schemas.Verdict;
import io.clipline.worker.InferenceWorker.State;
import io.clipline.worker.LabelOutcome;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WorkerMetricsTest {
  /** Commits happen 20 ms after the sample verdicts were decided. */
  private static final Clock COMMIT_CLOCK = Clock.fixed(VERDICT_TIME.plusMillis(20), ZoneOffset.UTC);

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final WorkerMetrics metrics = new WorkerMetrics(
      registry, "CUDA", new WorkerMetrics.TagLimits(2, 2, 2, 2, 2), COMMIT_CLOCK);

  @AfterEach
  void close() {
    metrics.close();
    registry.close();
  }

  @Test
  void shouldCountVerdictsByLineCameraAndVerdictWhenVerdictsAreCommitted() {
    metrics.onVerdict(verdict("L1/S1/C1", Verdict.OK, null, "CUDA"));
    metrics.onVerdict(verdict("L1/S1/C1", Verdict.OK, null, "CUDA"));
    metrics.onVerdict(verdict("L1/S1/C1", Verdict.NG, "scratch", "CUDA"));

    ScrapedSeries s = scrape();
    assertEquals(2.0, s.value("clipline_worker_verdicts_total{camera=\"L1/S1/C1\",line=\"L1\",verdict=\"OK\"}"));
    assertEquals(1.0, s.value("clipline_worker_verdicts_total{camera=\"L1/S1/C1\",line=\"L1\",verdict=\"NG\"}"));
    assertEquals(3.0, s.value("clipline_worker_frames_total{camera=\"L1/S1/C1\",line=\"L1\"}"));
    assertEquals(1.0, s.value("clipline_worker_ng_frames_total{defect_type=\"scratch\",line=\"L1\"}"));
  }

  @Test
  void shouldCountNgUnderUnknownWhenTheVerdictHasNoDefectType() {
    metrics.onVerdict(verdict("L1/S1/C1", Verdict.NG, null, "CUDA"));

    assertEquals(1.0, scrape().value("clipline_worker_ng_frames_total{defect_type=\"unknown\",line=\"L1\"}"));
  }

  @Test
  void shouldCountDeadLettersByReasonAndAsFinishedFramesWhenDeadLettersAreCommitted() {
    metrics.onDeadLetter(deadLetter("L2/S1/C4", "decode.truncated"));
    metrics.onDeadLetter(deadLetter(null, "schema.not_avro"));

    ScrapedSeries s = scrape();
    assertEquals(1.0, s.value(
        "clipline_worker_dead_letters_total{camera=\"L2/S1/C4\",line=\"L2\",reason=\"decode.truncated\"}"));
    assertEquals(1.0, s.value(
        "clipline_worker_dead_letters_total{camera=\"unknown\",line=\"unknown\",reason=\"schema.not_avro\"}"));
    assertEquals(1.0, s.value("clipline_worker_frames_total{camera=\"L2/S1/C4\",line=\"L2\"}"));
  }

  @Test
  void shouldExportZeroDeadLettersFromTheStartAndForEachCameraFromItsFirstVerdict() {
    ScrapedSeries atStart = scrape();
    metrics.onVerdict(verdict("L1/S1/C1", Verdict.OK, null, "CUDA"));
    metrics.onVerdict(verdict("L1/S1/C1", Verdict.OK, null, "CUDA"));

    ScrapedSeries s = scrape();
    assertEquals(0.0, atStart.value(
        "clipline_worker_dead_letters_total{camera=\"unknown\",line=\"unknown\",reason=\"none\"}"));
    assertEquals(0.0, s.value(
        "clipline_worker_dead_letters_total{camera=\"L1/S1/C1\",line=\"L1\",reason=\"none\"}"));
  }

  @Test
  void shouldFoldCamerasIntoOtherAndCountTheOverflowWhenTheCameraLimitIsReached() {
    metrics.onVerdict(verdict("L1/S1/C1", Verdict.OK, null, "CUDA"));
    metrics.onVerdict(verdict("L1/S1/C2", Verdict.OK, null, "CUDA"));
    metrics.onVerdict(verdict("L1/S1/C3", Verdict.OK, null, "CUDA"));
    metrics.onVerdict(verdict("L1/S1/C4", Verdict.OK, null, "CUDA"));

    ScrapedSeries s = scrape();
    assertEquals(2.0, s.value("clipline_worker_verdicts_total{camera=\"other\",line=\"L1\",verdict=\"OK\"}"),
        s.seriesStartingWith("clipline_worker_verdicts_total"));
    assertNull(s.value("clipline_worker_verdicts_total{camera=\"L1/S1/C3\",line=\"L1\",verdict=\"OK\"}"));
    assertEquals(2.0, s.value("clipline_worker_tag_overflow_total{tag=\"camera\"}"));
  }

  @Test
  void shouldRecordEveryMeasuredStageWhenAVerdictIsCommitted() {
    metrics.onVerdict(verdict("L1/S1/C1", Verdict.OK, null, "CUDA",
        new StageLatencies(40f, 7f, 12f, 15f, 30f, 3f)));

    ScrapedSeries s = scrape();
    Map<String, Double> expectedSeconds = Map.of("queue", 0.040, "fetch", 0.007, "decode", 0.012,
        "batch_wait", 0.015, "inference", 0.030, "scoring", 0.003, "produce", 0.020);
    expectedSeconds.forEach((stage, seconds) -> assertEquals(seconds,
        s.value("clipline_worker_stage_latency_seconds_sum{line=\"L1\",stage=\"" + stage + "\"}"), 1e-6, stage));
    assertEquals(1.0, s.value("clipline_worker_stage_latency_seconds_bucket{line=\"L1\",stage=\"decode\",le=\"0.02\"}"));
    assertEquals(0.0, s.value("clipline_worker_stage_latency_seconds_bucket{line=\"L1\",stage=\"decode\",le=\"0.01\"}"));
  }

  @Test
  void shouldReportLabelsByOutcomeFromTheBoundCountsAtEachScrape() {
    assertEquals(0.0, scrape().value("clipline_worker_labels_total{outcome=\"applied\"}"),
        "exported at zero before anything is bound");
    AtomicInteger applied = new AtomicInteger(3);

    metrics.bindLabels(outcome -> outcome == LabelOutcome.APPLIED ? applied.get()
        : outcome == LabelOutcome.UNDECODABLE ? 1 : 0);
    applied.incrementAndGet();

    ScrapedSeries s = scrape();
    assertEquals(4.0, s.value("clipline_worker_labels_total{outcome=\"applied\"}"));
    assertEquals(1.0, s.value("clipline_worker_labels_total{outcome=\"undecodable\"}"));
    assertEquals(0.0, s.value("clipline_worker_labels_total{outcome=\"unknown_frame\"}"));
  }

  @Test
  void shouldSkipAStageWhenItsLatencyIsZero() {
    metrics.onVerdict(verdict("L1/S1/C1", Verdict.OK, null, "CUDA",
        new StageLatencies(40f, 0f, 12f, 15f, 30f, 3f)));

    assertNull(scrape().value("clipline_worker_stage_latency_seconds_count{line=\"L1\",stage=\"fetch\"}"));
  }

  @Test
  void shouldRecordCaptureToVerdictTimeWhenAVerdictIsCommitted() {
    metrics.onVerdict(verdict("L1/S1/C1", Verdict.OK, null, "CUDA"));

    ScrapedSeries s = scrape();
    assertEquals(0.25, s.value("clipline_worker_end_to_end_latency_seconds_sum{line=\"L1\"}"), 1e-9);
    assertEquals(1.0, s.value("clipline_worker_end_to_end_latency_seconds_bucket{line=\"L1\",le=\"0.5\"}"));
    assertEquals(0.0, s.value("clipline_worker_end_to_end_latency_seconds_bucket{line=\"L1\",le=\"0.2\"}"));
  }

  @Test
  void shouldRecordBatchSizesAndScoringTimeWhenBatchesAreWritten() {
    metrics.onBatchWritten(8, 30_000_000L);
    metrics.onBatchWritten(3, 10_000_000L);

    ScrapedSeries s = scrape();
    assertEquals(1.0, s.value("clipline_worker_batch_size_frames_bucket{le=\"4.0\"}"));
    assertEquals(2.0, s.value("clipline_worker_batch_size_frames_bucket{le=\"8.0\"}"));
    assertEquals(11.0, s.value("clipline_worker_batch_size_frames_sum"));
    assertEquals(0.04, s.value("clipline_worker_batch_scoring_seconds_sum"), 1e-9);
  }

  @Test
  void shouldReportOnlyTheCurrentProviderWhenVerdictsShowAFallbackToCpu() {
    assertEquals(1.0, scrape().value("clipline_worker_execution_provider{provider=\"CUDA\"}"));

    metrics.onVerdict(verdict("L1/S1/C1", Verdict.OK, null, "CPU"));

    ScrapedSeries s = scrape();
    assertEquals(1.0, s.value("clipline_worker_execution_provider{provider=\"CPU\"}"));
    assertNull(s.value("clipline_worker_execution_provider{provider=\"CUDA\"}"));
  }

  @Test
  void shouldMarkOnlyTheCurrentStateWhenTheWorkerChangesState() {
    assertFalse(metrics.isRunning());

    metrics.onStateChange(State.CREATED, State.RUNNING);

    ScrapedSeries s = scrape();
    assertEquals(1.0, s.value("clipline_worker_state{state=\"RUNNING\"}"));
    assertEquals(0.0, s.value("clipline_worker_state{state=\"CREATED\"}"));
    assertEquals(0.0, s.value("clipline_worker_state{state=\"FAILED\"}"));
    assertTrue(metrics.isRunning());
  }

  @Test
  void shouldReportFramesInFlightWhenBoundToTheWorker() {
    AtomicInteger inFlight = new AtomicInteger(5);
    assertEquals(0.0, scrape().value("clipline_worker_frames_in_flight"));

    metrics.bindInFlight(inFlight::get);

    assertEquals(5.0, scrape().value("clipline_worker_frames_in_flight"));
  }

  @Test
  void shouldReplaceBankSizesAndLeaveOutScopesPastTheLimitWhenSizesAreReported() {
    metrics.bankSizes(Map.of("a/L1/S1/C1", 10, "a/L1/S1/C2", 20));
    metrics.bankSizes(Map.of("a/L1/S1/C1", 11, "b/L1/S1/C1", 30, "c/L1/S1/C1", 40));

    ScrapedSeries s = scrape();
    assertEquals(11.0, s.value("clipline_worker_bank_prototypes{scope=\"a/L1/S1/C1\"}"));
    assertEquals(30.0, s.value("clipline_worker_bank_prototypes{scope=\"b/L1/S1/C1\"}"));
    assertNull(s.value("clipline_worker_bank_prototypes{scope=\"a/L1/S1/C2\"}"));
    assertNull(s.value("clipline_worker_bank_prototypes{scope=\"c/L1/S1/C1\"}"));
    assertEquals(1.0, s.value("clipline_worker_tag_overflow_total{tag=\"scope\"}"));
  }

  @Test
  void shouldExportConsumerLagAndProducerErrorsWhenKafkaClientsAreBound() {
    try (KafkaConsumer<byte[], byte[]> consumer = unconnectedConsumer();
        KafkaProducer<byte[], byte[]> producer = unconnectedProducer()) {
      metrics.bindKafkaClients(consumer, producer);

      ScrapedSeries s = scrape();
      assertTrue(s.names().contains("kafka_consumer_fetch_manager_records_lag_max"), s.names().toString());
      assertTrue(s.names().contains("kafka_producer_record_error_total"), s.names().toString());
      assertFalse(metrics.isConnectedToKafka());
    }
  }

  @Test
  void shouldBindTheClientsWhenTheWorkerReportsThemCreated() {
    try (KafkaConsumer<byte[], byte[]> consumer = unconnectedConsumer();
        KafkaProducer<byte[], byte[]> producer = unconnectedProducer()) {
      metrics.onClientsCreated(consumer, producer);

      assertTrue(scrape().names().contains("kafka_consumer_connection_count"));
    }
  }

  @Test
  void shouldRefuseToBindAndTolerateASecondCloseWhenClosed() {
    metrics.close();
    metrics.close();

    try (KafkaConsumer<byte[], byte[]> consumer = unconnectedConsumer();
        KafkaProducer<byte[], byte[]> producer = unconnectedProducer()) {
      assertThrows(IllegalStateException.class, () -> metrics.bindKafkaClients(consumer, producer));
    }
  }

  private ScrapedSeries scrape() {
    return new ScrapedSeries(registry.scrape());
  }

  /** A consumer that never polls never connects; its metrics exist from construction. */
  static KafkaConsumer<byte[], byte[]> unconnectedConsumer() {
    return new KafkaConsumer<>(Map.of("bootstrap.servers", "127.0.0.1:9", "group.id", "metrics-test"),
        new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  static KafkaProducer<byte[], byte[]> unconnectedProducer() {
    return new KafkaProducer<>(Map.of("bootstrap.servers", "127.0.0.1:9", "max.block.ms", 100),
        new ByteArraySerializer(), new ByteArraySerializer());
  }
}
