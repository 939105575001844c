package io.clipline.pipeline;

import io.clipline.schemas.serde.SerdeSettings;
import io.clipline.schemas.topic.TopicCatalog;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Configuration of the pipeline, declared as one {@link ConfigDef}. Every key is checked when the
 * config is built: an unknown key, a bad value or two keys that contradict each other fail with a
 * {@link ConfigException} naming the key(s). Kafka Streams settings pass through with the prefix
 * {@code streams.} (for example {@code streams.num.stream.threads=2}).
 */
public final class PipelineConfig extends AbstractConfig {
  public static final String STREAMS_PREFIX = "streams.";

  public static final String APPLICATION_ID = "application.id";
  public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
  public static final String STATE_DIR = "state.dir";
  public static final String COMMIT_INTERVAL_MS = "commit.interval.ms";
  public static final String EXACTLY_ONCE = "exactly.once";
  public static final String LINE_TOPOLOGY_FILE = "line.topology.file";
  public static final String METRICS_PORT = "metrics.port";
  public static final String LINE_TOPOLOGY_TOPIC = "line.topology.topic";
  public static final String VERDICTS_TOPIC = "verdicts.topic";
  public static final String DEFECTS_TOPIC = "defects.topic";
  public static final String ITEMS_TOPIC = "items.topic";
  public static final String REJECTS_TOPIC = "rejects.topic";
  public static final String LINE_STATS_TOPIC = "line.stats.topic";
  public static final String ALERTS_TOPIC = "alerts.topic";
  public static final String DLQ_TOPIC = "dlq.topic";
  public static final String FUSION_DEADLINE_MS = "fusion.deadline.ms";
  public static final String FUSION_MISSING_VIEW_VERDICT = "fusion.missing.view.verdict";
  public static final String FUSION_PUNCTUATE_INTERVAL_MS = "fusion.punctuate.interval.ms";
  public static final String FUSION_DECIDED_RETENTION_MS = "fusion.decided.retention.ms";
  public static final String REJECT_DEDUPE_RETENTION_MS = "reject.dedupe.retention.ms";
  public static final String STATS_WINDOW_MS = "stats.window.ms";
  public static final String STATS_GRACE_MS = "stats.grace.ms";
  public static final String SURGE_EWMA_ALPHA = "alert.surge.ewma.alpha";
  public static final String SURGE_FACTOR = "alert.surge.factor";
  public static final String SURGE_MIN_DELTA = "alert.surge.min.delta";
  public static final String SURGE_MIN_FRAMES = "alert.surge.min.frames";
  public static final String SURGE_WARMUP_WINDOWS = "alert.surge.warmup.windows";
  public static final String DRIFT_WARMUP_FRAMES = "alert.drift.warmup.frames";
  public static final String DRIFT_CUSUM_K = "alert.drift.cusum.k";
  public static final String DRIFT_CUSUM_H = "alert.drift.cusum.h";
  public static final String SILENCE_FACTOR = "alert.silence.factor";
  public static final String SILENCE_CHECK_INTERVAL_MS = "alert.silence.check.interval.ms";

  /** The declaration; the README's config table is generated from it. */
  public static final ConfigDef CONFIG = SerdeSettings.define(
      new ConfigDef()
          .define(APPLICATION_ID, Type.STRING, "clipline-pipeline", new ConfigDef.NonEmptyString(),
              Importance.HIGH, "Kafka Streams application id: consumer group, prefix of internal"
                  + " topics and of transactional ids. Instances of one pipeline share it.")
          .define(BOOTSTRAP_SERVERS, Type.LIST, "localhost:9092", Importance.HIGH,
              "Kafka bootstrap servers, host:port[,host:port...].")
          .define(STATE_DIR, Type.STRING,
              System.getProperty("java.io.tmpdir") + "/clipline-pipeline",
              new ConfigDef.NonEmptyString(), Importance.MEDIUM,
              "Directory of the local state stores (RocksDB); restored from changelogs when lost.")
          .define(COMMIT_INTERVAL_MS, Type.LONG, 100L, Range.between(1, 60_000), Importance.MEDIUM,
              "How often a transaction commits; outputs become visible to read_committed readers"
                  + " at most this late.")
          .define(EXACTLY_ONCE, Type.BOOLEAN, true, Importance.HIGH,
              "processing.guarantee=exactly_once_v2: no duplicated and no lost output on restart.")
          .define(METRICS_PORT, Type.INT, 9401, ConfigDef.Range.between(0, 65535),
              Importance.MEDIUM,
              "Port of /metrics (Prometheus), /health/live and /health/ready; 0 picks a free one.")
          .define(LINE_TOPOLOGY_FILE, Type.STRING, "", Importance.HIGH,
              "JSON file describing lines, stations, cameras and reject gates (see the README).")
          .define(LINE_TOPOLOGY_TOPIC, Type.STRING, "", Importance.MEDIUM,
              "Compacted topic read as a GlobalKTable: key = lineId, value = the JSON of one line;"
                  + " its lines replace the file's lines of the same id. Empty: file only.")
          .define(VERDICTS_TOPIC, Type.STRING, TopicCatalog.VERDICTS.name(), Importance.LOW,
              "Topic the frame verdicts are read from.")
          .define(DEFECTS_TOPIC, Type.STRING, TopicCatalog.DEFECTS.name(), Importance.LOW,
              "Topic the defect-region events are read from.")
          .define(ITEMS_TOPIC, Type.STRING, TopicCatalog.ITEMS.name(), Importance.LOW,
              "Topic the fused item verdicts are written to.")
          .define(REJECTS_TOPIC, Type.STRING, TopicCatalog.REJECTS.name(), Importance.LOW,
              "Topic the reject commands are written to.")
          .define(LINE_STATS_TOPIC, Type.STRING, TopicCatalog.LINE_STATS.name(), Importance.LOW,
              "Topic the windowed line statistics are written to.")
          .define(ALERTS_TOPIC, Type.STRING, TopicCatalog.ALERTS.name(), Importance.LOW,
              "Topic the alerts are written to.")
          .define(DLQ_TOPIC, Type.STRING, TopicCatalog.FRAMES_DLQ.name(), Importance.LOW,
              "Dead-letter topic for input records that cannot be read.")
          .define(FUSION_DEADLINE_MS, Type.LONG, 2_000L, Range.between(1, 3_600_000),
              Importance.HIGH, "An item is decided this long (wall clock) after its first view"
                  + " arrived, when not all its expected views came before.")
          .define(FUSION_MISSING_VIEW_VERDICT, Type.STRING, "UNSURE",
              ValidString.in("OK", "NG", "UNSURE"), Importance.HIGH,
              "How a view that did not arrive by the deadline counts in the item's verdict;"
                  + " UNSURE is fail-safe.")
          .define(FUSION_PUNCTUATE_INTERVAL_MS, Type.LONG, 100L, Range.between(1, 60_000),
              Importance.LOW, "How often the fusion deadline punctuator runs (wall clock).")
          .define(FUSION_DECIDED_RETENTION_MS, Type.LONG, 600_000L, Range.atLeast(1),
              Importance.LOW, "How long a decided item is remembered, so that a straggling or"
                  + " replayed view does not decide it twice.")
          .define(REJECT_DEDUPE_RETENTION_MS, Type.LONG, 86_400_000L, Range.atLeast(1),
              Importance.LOW, "How long an issued reject command id is remembered for"
                  + " de-duplication.")
          .define(STATS_WINDOW_MS, Type.LONG, 60_000L, Range.between(1_000, 86_400_000),
              Importance.MEDIUM, "Size of the tumbling line-statistics windows, on capture time.")
          .define(STATS_GRACE_MS, Type.LONG, 10_000L, Range.between(0, 86_400_000),
              Importance.MEDIUM, "A window is emitted once capture time has passed its end by this"
                  + " much; later verdicts for it are dropped and counted.")
          .define(SURGE_EWMA_ALPHA, Type.DOUBLE, 0.2, Range.between(0.001, 1.0), Importance.LOW,
              "Weight of the newest window in the EWMA baseline of NG and defect-type rates.")
          .define(SURGE_FACTOR, Type.DOUBLE, 3.0, Range.between(1.0, 1000.0), Importance.MEDIUM,
              "A rate surges when it is at least this many times its baseline ...")
          .define(SURGE_MIN_DELTA, Type.DOUBLE, 0.05, Range.between(0.0, 1.0), Importance.MEDIUM,
              "... and at least this much above it (absolute, rate in [0, 1]).")
          .define(SURGE_MIN_FRAMES, Type.INT, 20, Range.atLeast(1), Importance.LOW,
              "Windows with fewer frames are not judged.")
          .define(SURGE_WARMUP_WINDOWS, Type.INT, 3, Range.atLeast(1), Importance.LOW,
              "Windows that build the baseline before surges are judged.")
          .define(DRIFT_WARMUP_FRAMES, Type.INT, 50, Range.atLeast(2), Importance.LOW,
              "Frames per camera that estimate the reference mean and deviation of imageScore.")
          .define(DRIFT_CUSUM_K, Type.DOUBLE, 0.5, Range.between(0.0, 10.0), Importance.LOW,
              "CUSUM allowance k, in reference standard deviations.")
          .define(DRIFT_CUSUM_H, Type.DOUBLE, 8.0, Range.between(0.1, 1000.0), Importance.MEDIUM,
              "CUSUM decision limit h, in reference standard deviations.")
          .define(SILENCE_FACTOR, Type.DOUBLE, 5.0, Range.between(1.0, 1000.0), Importance.MEDIUM,
              "A camera is silent when no verdict came for this many times its expected interval.")
          .define(SILENCE_CHECK_INTERVAL_MS, Type.LONG, 1_000L, Range.between(1, 600_000),
              Importance.LOW, "How often the heartbeat check runs (wall clock)."));

  private final Map<String, Object> streamsOverrides;
  private final SerdeSettings serdeSettings;

  public PipelineConfig(Map<?, ?> originals) {
    super(CONFIG, withoutPassThrough(originals), false);
    this.streamsOverrides = passThrough(originals);
    this.serdeSettings = SerdeSettings.from(this);
    if (getLong(STATS_GRACE_MS) > 10 * getLong(STATS_WINDOW_MS)) {
      throw new ConfigException(STATS_GRACE_MS + " (" + getLong(STATS_GRACE_MS)
          + ") must be at most 10 x " + STATS_WINDOW_MS + " (" + getLong(STATS_WINDOW_MS) + ")");
    }
  }

  private static Map<Object, Object> withoutPassThrough(Map<?, ?> originals) {
    Map<Object, Object> own = new HashMap<>();
    originals.forEach((k, v) -> {
      if (!String.valueOf(k).startsWith(STREAMS_PREFIX)) {
        own.put(k, v);
      }
    });
    for (Object key : own.keySet()) {
      if (!CONFIG.names().contains(String.valueOf(key))
          && !SerdeSettings.isClientSetting(String.valueOf(key))) {
        throw new ConfigException(String.valueOf(key), own.get(key),
            "unknown key; Kafka Streams settings take the prefix " + STREAMS_PREFIX
                + ", schema-registry client settings " + SerdeSettings.REGISTRY_CLIENT_PREFIX);
      }
    }
    return own;
  }

  private static Map<String, Object> passThrough(Map<?, ?> originals) {
    Map<String, Object> overrides = new HashMap<>();
    for (Map.Entry<?, ?> entry : originals.entrySet()) {
      String name = String.valueOf(entry.getKey());
      if (!name.startsWith(STREAMS_PREFIX)) {
        continue;
      }
      String streamsKey = name.substring(STREAMS_PREFIX.length());
      if (!StreamsConfig.configDef().names().contains(streamsKey)
          && !streamsKey.startsWith("consumer.") && !streamsKey.startsWith("producer.")
          && !streamsKey.startsWith("admin.") && !streamsKey.startsWith("main.consumer.")
          && !streamsKey.startsWith("restore.consumer.")) {
        throw new ConfigException(name, entry.getValue(), "not a Kafka Streams setting");
      }
      overrides.put(streamsKey, entry.getValue());
    }
    return overrides;
  }

  /** The wire format of the verdicts, defects and outputs, and its schema registry. */
  public SerdeSettings serdeSettings() {
    return serdeSettings;
  }

  /** The configuration table of the pipeline README, rendered from {@link #CONFIG}. */
  public static String markdownTable() {
    StringBuilder out = new StringBuilder("| key | type | default | valid values | meaning |\n");
    out.append("| --- | --- | --- | --- | --- |\n");
    for (ConfigDef.ConfigKey key : CONFIG.configKeys().values()) {
      Object value = key.defaultValue;
      String shown = STATE_DIR.equals(key.name) ? "${java.io.tmpdir}/clipline-pipeline"
          : value instanceof java.util.List<?> list
              ? String.join(",", list.stream().map(String::valueOf).toList())
              : String.valueOf(value);
      String valid = key.validator == null ? "" : key.validator.toString().replace("|", "\\|");
      out.append("| `").append(key.name).append("` | ")
          .append(key.type.name().toLowerCase(java.util.Locale.ROOT)).append(" | `")
          .append(shown).append("` | ").append(valid).append(" | ")
          .append(key.documentation).append(" |\n");
    }
    return out.toString();
  }

  /** Kafka Streams properties: the pipeline's own choices, then the {@code streams.} overrides. */
  public Properties streamsProperties() {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, getString(APPLICATION_ID));
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", getList(BOOTSTRAP_SERVERS)));
    props.put(StreamsConfig.STATE_DIR_CONFIG, getString(STATE_DIR));
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, getLong(COMMIT_INTERVAL_MS));
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
        getBoolean(EXACTLY_ONCE) ? StreamsConfig.EXACTLY_ONCE_V2 : StreamsConfig.AT_LEAST_ONCE);
    props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        io.clipline.pipeline.internal.DeadLetterHandler.class.getName());
    props.put(io.clipline.pipeline.internal.DeadLetterHandler.DLQ_TOPIC_CONFIG,
        getString(DLQ_TOPIC));
    props.put(io.clipline.pipeline.internal.DeadLetterHandler.SERDE_CONFIG, serdeSettings);
    props.putAll(streamsOverrides);
    return props;
  }
}
