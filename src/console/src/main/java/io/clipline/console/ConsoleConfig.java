package io.clipline.console;

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
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Configuration of the operator console, declared as one {@link ConfigDef}. Every key is checked
 * when the config is built: an unknown key or a bad value fails with a {@link ConfigException}
 * naming the key, and so does a console bound to a non-loopback address without {@value
 * #LABEL_TOKEN}. Kafka client settings pass through with the prefixes {@code consumer.} and
 * {@code producer.}; src/console/README.md's table is generated from {@link #CONFIG}.
 */
public final class ConsoleConfig extends AbstractConfig {
  public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
  public static final String HTTP_HOST = "http.host";
  public static final String HTTP_PORT = "http.port";
  public static final String LABEL_TOKEN = "label.token";
  public static final String WINDOW_FRAMES = "window.frames";
  public static final String HISTORY_RECORDS = "history.records.per.partition";
  public static final String IMAGE_CACHE_FRAMES = "image.cache.frames";
  public static final String WORKER_METRICS_URLS = "worker.metrics.urls";
  public static final String VERDICTS_TOPIC = "verdicts.topic";
  public static final String DEFECTS_TOPIC = "defects.topic";
  public static final String REJECTS_TOPIC = "rejects.topic";
  public static final String LINE_STATS_TOPIC = "line.stats.topic";
  public static final String ALERTS_TOPIC = "alerts.topic";
  public static final String LABELS_TOPIC = "labels.topic";

  /** Prefixes of the Kafka client settings passed through to the console's clients. */
  public static final List<String> CLIENT_PREFIXES = List.of("consumer.", "producer.");

  private final SerdeSettings serdeSettings;

  /** The declaration; the README's table is generated from it. */
  public static final ConfigDef CONFIG = SerdeSettings.define(
      new ConfigDef()
          .define(BOOTSTRAP_SERVERS, Type.LIST, "localhost:9092", Importance.HIGH,
              "Kafka bootstrap servers, host:port[,host:port...].")
          .define(HTTP_HOST, Type.STRING, "127.0.0.1", new ConfigDef.NonEmptyString(),
              Importance.HIGH, "Address the web server binds to. Loopback by default; any other"
                  + " address requires label.token.")
          .define(HTTP_PORT, Type.INT, 8470, Range.between(0, 65535), Importance.HIGH,
              "Port of the web page and its API; 0 picks a free one.")
          .define(LABEL_TOKEN, Type.PASSWORD, "", Importance.HIGH,
              "Token a browser must send (header X-Clipline-Token, asked for once by the page)"
                  + " to write labels; empty: none is asked, allowed only on a loopback"
                  + " http.host.")
          .define(WINDOW_FRAMES, Type.INT, 200, Range.between(1, 10_000), Importance.MEDIUM,
              "NG and UNSURE frames kept in memory and shown (the newest); older ones drop out"
                  + " and can no longer be labelled here.")
          .define(HISTORY_RECORDS, Type.INT, 50, Range.between(0, 100_000), Importance.LOW,
              "On start, records read back from the end of each partition, so the page opens"
                  + " with recent frames, the current line statistics and open alerts.")
          .define(IMAGE_CACHE_FRAMES, Type.INT, 64, Range.between(0, 10_000), Importance.LOW,
              "Frame images kept in memory as sent to the browser; 0: each request fetches"
                  + " the frame from Kafka again.")
          .define(WORKER_METRICS_URLS, Type.LIST, "", Importance.MEDIUM,
              "Prometheus endpoints of the workers (for example http://worker-1:9400/metrics)"
                  + " whose clipline_worker_labels_total{outcome} the page shows, so an operator"
                  + " sees the worker apply a label; empty: not shown.")
          .define(VERDICTS_TOPIC, Type.STRING, TopicCatalog.VERDICTS.name(),
              new ConfigDef.NonEmptyString(), Importance.LOW, "Topic of the frame verdicts.")
          .define(DEFECTS_TOPIC, Type.STRING, TopicCatalog.DEFECTS.name(),
              new ConfigDef.NonEmptyString(), Importance.LOW, "Topic of the defect regions.")
          .define(REJECTS_TOPIC, Type.STRING, TopicCatalog.REJECTS.name(),
              new ConfigDef.NonEmptyString(), Importance.LOW,
              "Topic of the reject commands, whose gate the page shows on the item's frames.")
          .define(LINE_STATS_TOPIC, Type.STRING, TopicCatalog.LINE_STATS.name(),
              new ConfigDef.NonEmptyString(), Importance.LOW, "Topic of the line statistics.")
          .define(ALERTS_TOPIC, Type.STRING, TopicCatalog.ALERTS.name(),
              new ConfigDef.NonEmptyString(), Importance.LOW, "Topic of the alerts.")
          .define(LABELS_TOPIC, Type.STRING, TopicCatalog.LABELS.name(),
              new ConfigDef.NonEmptyString(), Importance.HIGH,
              "Topic the operator labels are written to, in the partition of the labelled"
                  + " frame (the worker reads label partitions numbered like its frame"
                  + " partitions). Frames are fetched from the topic each verdict names."));

  public ConsoleConfig(Map<?, ?> props) {
    super(CONFIG, props, false);
    for (Object key : props.keySet()) {
      String name = String.valueOf(key);
      if (!CONFIG.names().contains(name) && CLIENT_PREFIXES.stream().noneMatch(name::startsWith)
          && !SerdeSettings.isClientSetting(name)) {
        throw new ConfigException("unknown console setting '" + name + "'; known settings: "
            + new TreeSet<>(CONFIG.names()) + ", or client settings prefixed " + CLIENT_PREFIXES
            + " or " + SerdeSettings.REGISTRY_CLIENT_PREFIX);
      }
    }
    this.serdeSettings = SerdeSettings.from(this);
    String host = getString(HTTP_HOST);
    if (labelToken().isEmpty() && !isLoopback(host)) {
      throw new ConfigException(HTTP_HOST + "=" + host + " is not a loopback address: set "
          + LABEL_TOKEN + " so that only operators who know it can write labels");
    }
  }

  /** The wire format of the topics the console reads and the labels it writes. */
  public SerdeSettings serdeSettings() {
    return serdeSettings;
  }

  /** The label token; empty when none is required. */
  public String labelToken() {
    Password token = getPassword(LABEL_TOKEN);
    return token == null ? "" : token.value();
  }

  /** Settings given with {@code prefix} ({@code consumer.} or {@code producer.}), prefix cut. */
  public Map<String, Object> clientOverrides(String prefix) {
    return originalsWithPrefix(prefix);
  }

  /** The table of every key for src/console/README.md. */
  public static String markdownTable() {
    StringBuilder out = new StringBuilder("| key | type | default | valid values | meaning |\n");
    out.append("| --- | --- | --- | --- | --- |\n");
    for (ConfigDef.ConfigKey key : CONFIG.configKeys().values()) {
      Object value = key.defaultValue;
      String shown = value instanceof List<?> list
          ? String.join(",", list.stream().map(String::valueOf).toList())
          : value instanceof Password password ? password.value() : String.valueOf(value);
      String valid = key.validator == null ? "" : key.validator.toString().replace("|", "\\|");
      out.append("| `").append(key.name).append("` | ")
          .append(key.type.name().toLowerCase(Locale.ROOT)).append(" | `")
          .append(shown).append("` | ").append(valid).append(" | ")
          .append(key.documentation).append(" |\n");
    }
    return out.toString();
  }

  private static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      throw new ConfigException(HTTP_HOST, host, "unknown host: " + e.getMessage());
    }
  }
}
