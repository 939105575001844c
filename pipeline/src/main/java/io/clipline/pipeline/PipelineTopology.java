package io.clipline.pipeline;

import io.clipline.pipeline.internal.CaptureTimeExtractor;
import io.clipline.pipeline.internal.DeadLetterHandler;
import io.clipline.pipeline.internal.DriftDetector;
import io.clipline.pipeline.internal.FusedItem;
import io.clipline.pipeline.internal.ItemFusionProcessor;
import io.clipline.pipeline.internal.LineDirectory;
import io.clipline.pipeline.internal.LineStatsAggregation;
import io.clipline.pipeline.internal.PipelineMetrics;
import io.clipline.pipeline.internal.RejectDeduplication;
import io.clipline.pipeline.internal.SilenceDetector;
import io.clipline.pipeline.internal.StateStores;
import io.clipline.pipeline.internal.SurgeDetector;
import io.clipline.schemas.Alert;
import io.clipline.schemas.DeadLetter;
import io.clipline.schemas.DefectEvent;
import io.clipline.schemas.FrameVerdict;
import io.clipline.schemas.ItemVerdict;
import io.clipline.schemas.LineStats;
import io.clipline.schemas.RejectCommand;
import io.clipline.schemas.Verdict;
import io.clipline.schemas.serde.AvroSerde;
import io.clipline.schemas.serde.SerdeSettings;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The pipeline's Kafka Streams topology, built in plain methods so that tests drive it through
 * {@code TopologyTestDriver}:
 *
 * <pre>
 * verdicts ─► by item ─► item-fusion ─┬─► items
 *                                      └─► reject-dedupe ─┬─► rejects
 *                                                          └─► late alerts ─┐
 * verdicts ─► by line ─┬─ + defects by line ─► line-stats ─┬─► line-stats    │
 *                      │                                   └─► surge ───────┤
 *                      ├─► drift ───────────────────────────────────────────┤
 *                      └─► silence ─────────────────────────────────────────┴─► alerts
 * </pre>
 *
 * <p>With {@code line.topology.topic} set, that topic is also read as a GlobalKTable whose lines
 * replace the file's lines of the same id.
 */
public final class PipelineTopology {
  /** Internal repartition topics: always single-object, they never leave the pipeline. */
  private static final AvroSerde<FrameVerdict> REPARTITIONED_VERDICTS =
      AvroSerde.of(FrameVerdict.class);
  private static final AvroSerde<DefectEvent> REPARTITIONED_DEFECTS =
      AvroSerde.of(DefectEvent.class);

  private final PipelineConfig config;
  private final LineLayout line;
  private final PipelineMetrics metrics;
  // The topics other processes write and read, in the configured wire format (serde.format).
  private final Serde<FrameVerdict> verdictSerde;
  private final Serde<DefectEvent> defectSerde;
  private final Serde<ItemVerdict> itemSerde;
  private final Serde<RejectCommand> rejectSerde;
  private final Serde<LineStats> statsSerde;
  private final Serde<Alert> alertSerde;

  public PipelineTopology(PipelineConfig config, LineLayout line, MeterRegistry registry) {
    this.config = Objects.requireNonNull(config, "config");
    this.line = Objects.requireNonNull(line, "line");
    this.metrics = new PipelineMetrics(Objects.requireNonNull(registry, "registry"));
    SerdeSettings serdes = config.serdeSettings();
    this.verdictSerde = serdes.serdeFor(FrameVerdict.class);
    this.defectSerde = serdes.serdeFor(DefectEvent.class);
    this.itemSerde = serdes.serdeFor(ItemVerdict.class);
    this.rejectSerde = serdes.serdeFor(RejectCommand.class);
    this.statsSerde = serdes.serdeFor(LineStats.class);
    this.alertSerde = serdes.serdeFor(Alert.class);
  }

  /**
   * The topics the pipeline writes, with the record type of their values: what {@link
   * io.clipline.schemas.serde.SchemaRegistration} registers in the registry format.
   */
  public Map<String, Class<? extends SpecificRecord>> outputTopics() {
    return Map.of(
        config.getString(PipelineConfig.ITEMS_TOPIC), ItemVerdict.class,
        config.getString(PipelineConfig.REJECTS_TOPIC), RejectCommand.class,
        config.getString(PipelineConfig.LINE_STATS_TOPIC), LineStats.class,
        config.getString(PipelineConfig.ALERTS_TOPIC), Alert.class,
        config.getString(PipelineConfig.DLQ_TOPIC), DeadLetter.class);
  }

  /** Kafka Streams properties for this topology, dead-letter handler and metrics included. */
  public Properties config() {
    Properties props = config.streamsProperties();
    props.put(DeadLetterHandler.METRICS_CONFIG, metrics);
    return props;
  }

  public Topology build() {
    StreamsBuilder builder = new StreamsBuilder();
    buildTopology(builder);
    return builder.build(config());
  }

  public void buildTopology(StreamsBuilder builder) {
    for (var store : StateStores.all()) {
      builder.addStateStore(store);
    }
    String lineTopic = config.getString(PipelineConfig.LINE_TOPOLOGY_TOPIC);
    if (!lineTopic.isBlank()) {
      builder.globalTable(lineTopic, Consumed.with(Serdes.String(), Serdes.String())
              .withName("line-topology"),
          Materialized.<String, String, KeyValueStore<Bytes, byte[]>>as(StateStores.LINE_TOPOLOGY)
              .withKeySerde(Serdes.String()).withValueSerde(Serdes.String()));
    }
    CaptureTimeExtractor captureTime = new CaptureTimeExtractor();
    KStream<String, FrameVerdict> verdicts = builder.stream(
        config.getString(PipelineConfig.VERDICTS_TOPIC),
        Consumed.with(Serdes.String(), verdictSerde).withTimestampExtractor(captureTime)
            .withName("verdicts"));
    KStream<String, DefectEvent> defects = builder.stream(
        config.getString(PipelineConfig.DEFECTS_TOPIC),
        Consumed.with(Serdes.String(), defectSerde).withTimestampExtractor(captureTime)
            .withName("defects"));

    KStream<String, Alert> lateAlerts = items(verdicts);

    KStream<String, FrameVerdict> verdictsByLine = verdicts
        .selectKey((camera, v) -> v.getLineId(), Named.as("verdict-line-key"))
        .repartition(Repartitioned.with(Serdes.String(), REPARTITIONED_VERDICTS).withName("verdicts-by-line"));
    KStream<String, DefectEvent> defectsByLine = defects
        .selectKey((camera, d) -> d.getFrame().getLineId(), Named.as("defect-line-key"))
        .repartition(Repartitioned.with(Serdes.String(), REPARTITIONED_DEFECTS).withName("defects-by-line"));

    KStream<String, LineStats> stats = verdictsByLine
        .mapValues(v -> (SpecificRecord) v, Named.as("verdict-as-stats-input"))
        .merge(defectsByLine.mapValues(d -> (SpecificRecord) d, Named.as("defect-as-stats-input")),
            Named.as("stats-input"))
        .process(() -> new LineStatsAggregation(StateStores.STATS,
            config.getLong(PipelineConfig.STATS_WINDOW_MS),
            config.getLong(PipelineConfig.STATS_GRACE_MS), metrics),
            Named.as("line-stats"), StateStores.STATS);
    stats.peek((k, v) -> metrics.output("line-stats"), Named.as("count-line-stats"))
        .to(config.getString(PipelineConfig.LINE_STATS_TOPIC),
            Produced.with(Serdes.String(), statsSerde).withName("line-stats-sink"));

    KStream<String, Alert> surges = stats.process(() -> new SurgeDetector(StateStores.SURGE,
        config.getDouble(PipelineConfig.SURGE_EWMA_ALPHA),
        config.getDouble(PipelineConfig.SURGE_FACTOR),
        config.getDouble(PipelineConfig.SURGE_MIN_DELTA),
        config.getInt(PipelineConfig.SURGE_MIN_FRAMES),
        config.getInt(PipelineConfig.SURGE_WARMUP_WINDOWS)),
        Named.as("surge"), StateStores.SURGE);
    KStream<String, Alert> drifts = verdictsByLine.process(() -> new DriftDetector(
        StateStores.DRIFT, config.getInt(PipelineConfig.DRIFT_WARMUP_FRAMES),
        config.getDouble(PipelineConfig.DRIFT_CUSUM_K),
        config.getDouble(PipelineConfig.DRIFT_CUSUM_H)),
        Named.as("drift"), StateStores.DRIFT);
    KStream<String, Alert> silences = verdictsByLine.process(() -> new SilenceDetector(
        StateStores.SILENCE, lines(), config.getDouble(PipelineConfig.SILENCE_FACTOR),
        config.getLong(PipelineConfig.SILENCE_CHECK_INTERVAL_MS)),
        Named.as("silence"), StateStores.SILENCE);

    lateAlerts.merge(surges, Named.as("alerts-late-surge"))
        .merge(drifts, Named.as("alerts-drift"))
        .merge(silences, Named.as("alerts-silence"))
        .peek((k, v) -> {
          metrics.output("alerts");
          metrics.alert(v);
        }, Named.as("count-alerts"))
        .to(config.getString(PipelineConfig.ALERTS_TOPIC),
            Produced.with(Serdes.String(), alertSerde).withName("alerts-sink"));
  }

  /** A fresh view of the lines for one processor instance. */
  private LineDirectory lines() {
    String topic = config.getString(PipelineConfig.LINE_TOPOLOGY_TOPIC);
    return new LineDirectory(line, topic.isBlank() ? null : StateStores.LINE_TOPOLOGY);
  }

  /** Item fusion and reject commands; returns the late-verdict alerts. */
  private KStream<String, Alert> items(KStream<String, FrameVerdict> verdicts) {
    KStream<String, FusedItem> fused = verdicts
        .selectKey((camera, v) -> v.getItemId() != null ? v.getItemId() : v.getFrameId(),
            Named.as("verdict-item-key"))
        .repartition(Repartitioned.with(Serdes.String(), REPARTITIONED_VERDICTS).withName("verdicts-by-item"))
        .process(() -> new ItemFusionProcessor(StateStores.FUSION, StateStores.FUSION_TIMERS,
            lines(),
            config.getLong(PipelineConfig.FUSION_DEADLINE_MS),
            Verdict.valueOf(config.getString(PipelineConfig.FUSION_MISSING_VIEW_VERDICT)),
            config.getLong(PipelineConfig.FUSION_PUNCTUATE_INTERVAL_MS),
            config.getLong(PipelineConfig.FUSION_DECIDED_RETENTION_MS), metrics),
            Named.as("item-fusion"), StateStores.FUSION, StateStores.FUSION_TIMERS);
    fused.mapValues(FusedItem::item, Named.as("item-verdict"))
        .peek((k, v) -> metrics.output("items"), Named.as("count-items"))
        .to(config.getString(PipelineConfig.ITEMS_TOPIC),
            Produced.with(Serdes.String(), itemSerde).withName("items-sink"));

    KStream<String, SpecificRecord> commands = fused.process(() -> new RejectDeduplication(
        StateStores.REJECTS, lines(), config.getLong(PipelineConfig.REJECT_DEDUPE_RETENTION_MS),
        metrics), Named.as("reject-dedupe"), StateStores.REJECTS);
    commands.filter((k, v) -> v instanceof RejectCommand, Named.as("reject-commands"))
        .mapValues(v -> (RejectCommand) v, Named.as("reject-command"))
        .peek((k, v) -> metrics.output("rejects"), Named.as("count-rejects"))
        .to(config.getString(PipelineConfig.REJECTS_TOPIC),
            Produced.with(Serdes.String(), rejectSerde).withName("rejects-sink"));
    return commands.filter((k, v) -> v instanceof Alert, Named.as("late-alerts"))
        .mapValues(v -> (Alert) v, Named.as("late-alert"));
  }
}
