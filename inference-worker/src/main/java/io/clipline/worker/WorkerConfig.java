package io.clipline.worker;

import io.clipline.schemas.serde.SerdeSettings;
import io.clipline.schemas.topic.TopicCatalog;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;

/**
 * Every setting of the inference worker, declared once with its type, default, validator and
 * documentation.
 *
 * <p>Invalid values stop start-up with a {@link ConfigException} that names the key. Client
 * settings pass through with the prefixes {@code consumer.} and {@code producer.}, schema-registry
 * client settings with {@code schema.registry.} ({@link SerdeSettings}). The README's
 * configuration table is rendered from {@link #CONFIG}, and a test keeps the two equal.
 */
public final class WorkerConfig extends AbstractConfig {
  public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
  public static final String GROUP_ID = "group.id";
  public static final String WORKER_ID = "worker.id";
  public static final String FRAMES_TOPIC = "frames.topic";
  public static final String VERDICTS_TOPIC = "verdicts.topic";
  public static final String DEFECTS_TOPIC = "defects.topic";
  public static final String DLQ_TOPIC = "dlq.topic";
  public static final String LABELS_TOPIC = "labels.topic";
  public static final String LABELS_ENABLED = "labels.enabled";
  public static final String LABELS_CACHE_FRAMES = "labels.cache.frames";
  public static final String SCORER_STATE_TOPIC = "scorer.state.topic";
  public static final String SCORER_STATE_INTERVAL_MS = "scorer.state.interval.ms";
  public static final String SCORER_STATE_INTERVAL_FRAMES = "scorer.state.interval.frames";
  public static final String BATCH_MAX_FRAMES = "batch.max.frames";
  public static final String BATCH_LINGER_MS = "batch.linger.ms";
  public static final String INFLIGHT_MAX_FRAMES = "inflight.max.frames";
  public static final String DECODE_THREADS = "decode.threads";
  public static final String FRAME_MAX_BYTES = "frame.max.bytes";
  public static final String FRAME_MAX_PIXELS = "frame.max.pixels";
  public static final String CLAIMCHECK_TIMEOUT_MS = "claimcheck.timeout.ms";
  public static final String CLAIMCHECK_MAX_BYTES = "claimcheck.max.bytes";
  public static final String EXACTLY_ONCE = "exactly.once";
  public static final String COMMIT_INTERVAL_MS = "commit.interval.ms";
  public static final String ERROR_POLICY = "error.policy";
  public static final String MODEL_DIR = "model.dir";
  public static final String EXECUTION_PROVIDER = "execution.provider";
  public static final String REQUIRE_GPU = "require.gpu";
  public static final String INFERENCE_THREADS = "inference.threads";
  public static final String DEVICE_ID = "device.id";
  public static final String MODEL_FP16 = "model.fp16";
  public static final String PRODUCT_NOUN = "product.noun";
  public static final String SCORING_POSITIONAL_WEIGHT = "scoring.positional.weight";
  public static final String SCORING_THREADS = "scoring.threads";

  /**
   * Default of {@link #SCORING_POSITIONAL_WEIGHT}: the scoring engine's own default (the worker's
   * Kafka side does not see the engine's classes; a test holds the two equal).
   */
  public static final double DEFAULT_POSITIONAL_WEIGHT = 0.5;
  public static final String METRICS_PORT = "metrics.port";

  /** What the worker does with a frame it cannot process. */
  public enum ErrorPolicy {
    /** Write it to the dead-letter topic with the reason, and go on (the default). */
    DEAD_LETTER,
    /** Log it and go on; the frame gets no verdict and no dead letter. */
    CONTINUE,
    /** Stop the worker; the frame stays uncommitted and is retried after a restart. */
    FAIL
  }

  public static final ConfigDef CONFIG = SerdeSettings.define(
      new ConfigDef()
          .define(BOOTSTRAP_SERVERS, Type.LIST, "localhost:9092", Importance.HIGH,
              "Kafka bootstrap servers, host:port[,host:port...].")
          .define(GROUP_ID, Type.STRING, "clipline-workers", new ConfigDef.NonEmptyString(),
              Importance.HIGH, "Consumer group of all worker replicas of one line or plant.")
          .define(WORKER_ID, Type.STRING, defaultWorkerId(), new ConfigDef.NonEmptyString(),
              Importance.HIGH,
              "Stable id of this replica (default: the host name). Written into verdicts and part"
                  + " of the transactional id, so a restarted replica fences its predecessor, and"
                  + " of the consumer's group.instance.id (static membership): a replica restarted"
                  + " with the same id within consumer.session.timeout.ms (Kafka's default 45 s)"
                  + " takes its partitions back at once, without a rebalance. A replica stopped on"
                  + " purpose (SIGTERM, close) leaves the group at once; the flip side: one that"
                  + " crashed or hangs keeps its partitions (unprocessed) until that timeout; lower"
                  + " it (for example consumer.session.timeout.ms=10000) for faster failover, and"
                  + " give every replica its own id.")
          .define(FRAMES_TOPIC, Type.STRING, TopicCatalog.FRAMES.name(), Importance.MEDIUM,
              "Topic the camera frames are read from.")
          .define(VERDICTS_TOPIC, Type.STRING, TopicCatalog.VERDICTS.name(), Importance.MEDIUM,
              "Topic the frame verdicts are written to.")
          .define(DEFECTS_TOPIC, Type.STRING, TopicCatalog.DEFECTS.name(), Importance.MEDIUM,
              "Topic the defect-region events are written to.")
          .define(DLQ_TOPIC, Type.STRING, TopicCatalog.FRAMES_DLQ.name(), Importance.MEDIUM,
              "Dead-letter topic for frames that cannot be processed.")
          .define(LABELS_TOPIC, Type.STRING, TopicCatalog.LABELS.name(),
              new ConfigDef.NonEmptyString(), Importance.MEDIUM,
              "Topic the operator labels are read from; partitioned like the frames topic, whose"
                  + " partition numbers select the label partitions each worker reads.")
          .define(LABELS_ENABLED, Type.BOOLEAN, true, Importance.MEDIUM,
              "Read operator labels and apply them to the scoring memory (forget frames labelled"
                  + " NG, learn rejected frames labelled OK, learn labelled defect regions).")
          .define(LABELS_CACHE_FRAMES, Type.INT, 64, Range.between(0, 100_000), Importance.LOW,
              "Recently scored frames whose features the scorer keeps so that a label can still"
                  + " be applied to them; 0 keeps none (labels then find no frame).")
          .define(SCORER_STATE_TOPIC, Type.STRING, TopicCatalog.SCORER_STATE.name(),
              new ConfigDef.NonEmptyString(), Importance.MEDIUM,
              "Compacted topic of the scopes' scoring memory: read to the end whenever partitions"
                  + " are assigned, so a scope resumes warm; written every"
                  + " scorer.state.interval.ms, on revocation and on shutdown. When it does not"
                  + " exist, scopes start cold and nothing is written.")
          .define(SCORER_STATE_INTERVAL_MS, Type.INT, 60_000, Range.between(0, 86_400_000),
              Importance.MEDIUM,
              "How often the memory of the scopes scored since the last snapshot is written to"
                  + " scorer.state.topic, in the transaction of the frames it reflects; 0: never"
                  + " (snapshots are still restored).")
          .define(SCORER_STATE_INTERVAL_FRAMES, Type.INT, 1_000, Range.between(0, 10_000_000),
              Importance.MEDIUM,
              "... or after this many scored frames, whichever comes first; 0: by time only. A"
                  + " hard kill (kill -9, power loss) thus costs each scope at most this many"
                  + " frames and scorer.state.interval.ms of memory: it resumes from an older"
                  + " snapshot and re-learns them.")
          .define(BATCH_MAX_FRAMES, Type.INT, 8, Range.between(1, 1024), Importance.HIGH,
              "A micro-batch closes when it holds this many frames ...")
          .define(BATCH_LINGER_MS, Type.INT, 20, Range.between(0, 60_000), Importance.HIGH,
              "... or this long after its first frame arrived, whichever comes first.")
          .define(INFLIGHT_MAX_FRAMES, Type.INT, 64, Range.atLeast(1), Importance.MEDIUM,
              "Frames polled but not yet committed before the worker pauses its partitions"
                  + " (backpressure); at least batch.max.frames.")
          .define(DECODE_THREADS, Type.INT, 2, Range.between(1, 256), Importance.MEDIUM,
              "Threads that fetch and decode frames and resize them for the model while the"
                  + " model runs.")
          .define(FRAME_MAX_BYTES, Type.INT, TopicCatalog.MAX_FRAME_BYTES, Range.atLeast(1),
              Importance.MEDIUM, "Largest encoded image accepted, inline or fetched.")
          .define(FRAME_MAX_PIXELS, Type.LONG, 50_000_000L, Range.atLeast(1), Importance.MEDIUM,
              "Largest width × height accepted, checked from the header before decoding"
                  + " (decompression bombs).")
          .define(CLAIMCHECK_TIMEOUT_MS, Type.INT, 5_000, Range.between(1, 600_000),
              Importance.LOW, "Timeout for fetching a claim-check image (imageUri).")
          .define(CLAIMCHECK_MAX_BYTES, Type.INT, 32 * 1024 * 1024, Range.atLeast(1),
              Importance.LOW, "Largest claim-check object fetched.")
          .define(EXACTLY_ONCE, Type.BOOLEAN, true, Importance.HIGH,
              "Write verdicts and consumer offsets in one Kafka transaction, so a killed worker"
                  + " neither loses a frame nor writes a second verdict for it.")
          .define(COMMIT_INTERVAL_MS, Type.INT, 100, Range.between(0, 60_000), Importance.MEDIUM,
              "Longest a transaction stays open while frames keep arriving: under load one"
                  + " commit covers several batches; when the worker is idle it commits at once.")
          .define(ERROR_POLICY, Type.STRING, ErrorPolicy.DEAD_LETTER.name(),
              ValidString.in(names(ErrorPolicy.values())), Importance.MEDIUM,
              "What to do with a frame that cannot be processed: DEAD_LETTER, CONTINUE or FAIL.")
          .define(MODEL_DIR, Type.STRING, "src/models/imagenet-mnv2", new ConfigDef.NonEmptyString(),
              Importance.HIGH, "Model folder holding clipline-model.json (see docs/MODEL_FORMAT.md).")
          .define(EXECUTION_PROVIDER, Type.STRING, "AUTO",
              ValidString.in("AUTO", "CUDA", "TENSORRT", "CPU"), Importance.HIGH,
              "ONNX Runtime execution provider; AUTO takes CUDA when the GPU build is present.")
          .define(REQUIRE_GPU, Type.BOOLEAN, false, Importance.MEDIUM,
              "Fail start-up instead of falling back to CPU when the GPU provider is missing.")
          .define(INFERENCE_THREADS, Type.INT, 0, Range.between(0, 256), Importance.LOW,
              "ONNX Runtime intra-op threads; 0: one per core less one, left to the scoring thread,"
                  + " which judges a batch while the model works on the next (the patch banks'"
                  + " threads, scoring.threads, share every core).")
          .define(DEVICE_ID, Type.INT, 0, Range.between(0, 64), Importance.LOW,
              "GPU device id for CUDA / TensorRT.")
          .define(MODEL_FP16, Type.BOOLEAN, false, Importance.LOW,
              "Use the model folder's fp16 image tower (image.fp16File) when it has one.")
          .define(METRICS_PORT, Type.INT, 9400, Range.between(0, 65535), Importance.MEDIUM,
              "Port of /metrics (Prometheus), /health/live and /health/ready; 0 picks a free one.")
          .define(PRODUCT_NOUN, Type.STRING, "object", new ConfigDef.NonEmptyString(),
              Importance.LOW,
              "Noun the zero-shot prompts describe (\"a photo of a flawless {noun}\"); models"
                  + " without a text tower ignore it.")
          .define(SCORING_POSITIONAL_WEIGHT, Type.DOUBLE, DEFAULT_POSITIONAL_WEIGHT,
              Range.between(0.0, 1.0),
              Importance.MEDIUM,
              "Share of the positional rarity (each patch against what the last frames showed at"
                  + " its own place) in the anomaly map, next to position-free rarity. It suits"
                  + " parts held in a fixed fixture; set 0 where the part's position or rotation"
                  + " varies from frame to frame (docs/SCORING.md §3).")
          .define(SCORING_THREADS, Type.INT, 0, Range.between(0, 256), Importance.LOW,
              "Threads that assess a frame's patch banks at once (one bank per model layer and"
                  + " scale: six for the default model's three views); 0: one per core, 1: the"
                  + " scoring thread alone. The scores do not depend on it."));

  /** Prefixes of settings passed through to the Kafka clients. */
  public static final List<String> CLIENT_PREFIXES = List.of("consumer.", "producer.");

  private final SerdeSettings serdeSettings;

  public WorkerConfig(Map<?, ?> props) {
    super(CONFIG, props, false);
    for (Object key : props.keySet()) {
      String name = String.valueOf(key);
      if (!CONFIG.names().contains(name) && CLIENT_PREFIXES.stream().noneMatch(name::startsWith)
          && !SerdeSettings.isClientSetting(name)) {
        throw new ConfigException("unknown worker setting '" + name + "'; known settings: "
            + new TreeSet<>(CONFIG.names()) + ", or client settings prefixed " + CLIENT_PREFIXES
            + " or " + SerdeSettings.REGISTRY_CLIENT_PREFIX);
      }
    }
    this.serdeSettings = SerdeSettings.from(this);
    if (getBoolean(REQUIRE_GPU) && "CPU".equals(getString(EXECUTION_PROVIDER))) {
      throw new ConfigException(REQUIRE_GPU + "=true contradicts " + EXECUTION_PROVIDER
          + "=CPU; ask for AUTO, CUDA or TENSORRT, or set " + REQUIRE_GPU + "=false");
    }
    if (getInt(INFLIGHT_MAX_FRAMES) < getInt(BATCH_MAX_FRAMES)) {
      throw new ConfigException(
          INFLIGHT_MAX_FRAMES + " (" + getInt(INFLIGHT_MAX_FRAMES) + ") must be at least "
              + BATCH_MAX_FRAMES + " (" + getInt(BATCH_MAX_FRAMES) + ")");
    }
  }

  /** The wire format of the values read and written, and its schema registry. */
  public SerdeSettings serdeSettings() {
    return serdeSettings;
  }

  public ErrorPolicy errorPolicy() {
    return ErrorPolicy.valueOf(getString(ERROR_POLICY));
  }

  /** The configuration table of the README, rendered from {@link #CONFIG}. */
  public static String markdownTable() {
    StringBuilder out = new StringBuilder("| key | type | default | valid values | meaning |\n");
    out.append("| --- | --- | --- | --- | --- |\n");
    for (ConfigDef.ConfigKey key : CONFIG.configKeys().values()) {
      Object value = key.defaultValue;
      String shown = WORKER_ID.equals(key.name) ? "host name"
          : value instanceof List<?> list ? String.join(",", list.stream().map(String::valueOf).toList())
          : String.valueOf(value);
      String valid = key.validator == null ? "" : key.validator.toString().replace("|", "\\|");
      out.append("| `").append(key.name).append("` | ")
          .append(key.type.name().toLowerCase(Locale.ROOT)).append(" | `").append(shown)
          .append("` | ").append(valid).append(" | ").append(key.documentation).append(" |\n");
    }
    return out.toString();
  }

  private static String[] names(Enum<?>[] values) {
    String[] names = new String[values.length];
    for (int i = 0; i < values.length; i++) {
      names[i] = values[i].name();
    }
    return names;
  }

  private static String defaultWorkerId() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "worker-" + ProcessHandle.current().pid();
    }
  }
}
