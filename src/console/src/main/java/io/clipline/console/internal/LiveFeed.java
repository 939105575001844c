package io.clipline.console.internal;

import io.clipline.console.ConsoleConfig;
import io.clipline.schemas.Alert;
import io.clipline.schemas.DefectEvent;
import io.clipline.schemas.FrameVerdict;
import io.clipline.schemas.LineStats;
import io.clipline.schemas.RejectCommand;
import io.clipline.schemas.serde.SerdeSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the line's output topics (verdicts, defects, reject commands, line statistics, alerts)
 * without a consumer group, read_committed, from {@code history.records.per.partition} records
 * before their end, into {@link RecentFrames} and {@link LineBoard}, and publishes what changed
 * to the {@link EventHub}. One thread (its own) owns the consumer; topics that do not exist yet
 * are looked for again every few seconds. Records that are not the topic's type are counted and
 * skipped.
 */
public final class LiveFeed implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LiveFeed.class);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final long TOPIC_RETRY_MS = 2_000;

  private final Deserializer<FrameVerdict> verdicts;
  private final Deserializer<DefectEvent> defects;
  private final Deserializer<RejectCommand> rejects;
  private final Deserializer<LineStats> stats;
  private final Deserializer<Alert> alerts;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final RecentFrames frames;
  private final LineBoard board;
  private final EventHub hub;
  private final Map<String, String> kinds = new HashMap<>();
  private final int history;
  private final Thread thread;
  private final AtomicLong undecodable = new AtomicLong();
  private volatile boolean running = true;
  private volatile boolean started;

  public LiveFeed(ConsoleConfig config, RecentFrames frames, LineBoard board, EventHub hub) {
    this.frames = frames;
    this.board = board;
    this.hub = hub;
    this.history = config.getInt(ConsoleConfig.HISTORY_RECORDS);
    SerdeSettings serdes = config.serdeSettings();
    this.verdicts = serdes.serdeFor(FrameVerdict.class).deserializer();
    this.defects = serdes.serdeFor(DefectEvent.class).deserializer();
    this.rejects = serdes.serdeFor(RejectCommand.class).deserializer();
    this.stats = serdes.serdeFor(LineStats.class).deserializer();
    this.alerts = serdes.serdeFor(Alert.class).deserializer();
    kinds.put(config.getString(ConsoleConfig.VERDICTS_TOPIC), "verdict");
    kinds.put(config.getString(ConsoleConfig.DEFECTS_TOPIC), "defect");
    kinds.put(config.getString(ConsoleConfig.REJECTS_TOPIC), "reject");
    kinds.put(config.getString(ConsoleConfig.LINE_STATS_TOPIC), "stats");
    kinds.put(config.getString(ConsoleConfig.ALERTS_TOPIC), "alert");
    this.consumer = new KafkaConsumer<>(consumerProps(config, "clipline-console-feed"),
        new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.thread = new Thread(this::run, "clipline-console-feed");
    thread.setDaemon(true);
  }

  /** Settings of a group-less read_committed consumer; {@code consumer.} overrides win. */
  static Map<String, Object> consumerProps(ConsoleConfig config, String clientId) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
        String.join(",", config.getList(ConsoleConfig.BOOTSTRAP_SERVERS)));
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    props.putAll(config.clientOverrides("consumer."));
    return props;
  }

  public void start() {
    started = true;
    thread.start();
  }

  /** Records skipped because they were not of their topic's type. */
  public long undecodable() {
    return undecodable.get();
  }

  private void run() {
    try {
      Set<String> missing = new LinkedHashSet<>(kinds.keySet());
      long nextLook = 0;
      while (running) {
        if (!missing.isEmpty() && System.currentTimeMillis() >= nextLook) {
          assign(missing);
          nextLook = System.currentTimeMillis() + TOPIC_RETRY_MS;
        }
        if (consumer.assignment().isEmpty()) {
          Thread.sleep(POLL.toMillis());
          continue;
        }
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
          take(record);
        }
      }
    } catch (WakeupException | InterruptedException e) {
      // close() asked us to stop.
    } catch (RuntimeException e) {
      LOG.error("console feed stopped: {}", e.toString(), e);
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  /** Adds the partitions of the topics in {@code missing} that exist now, each near its end. */
  private void assign(Set<String> missing) {
    List<TopicPartition> found = new ArrayList<>();
    for (String topic : new ArrayList<>(missing)) {
      List<PartitionInfo> infos;
      try {
        infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
      } catch (TimeoutException e) {
        continue;  // no metadata yet: looked for again in a moment
      }
      if (infos == null || infos.isEmpty()) {
        continue;
      }
      infos.forEach(p -> found.add(new TopicPartition(topic, p.partition())));
      missing.remove(topic);
    }
    if (found.isEmpty()) {
      LOG.info("console: waiting for topics {}", missing);
      return;
    }
    Set<TopicPartition> assignment = new HashSet<>(consumer.assignment());
    assignment.addAll(found);
    consumer.assign(assignment);
    Map<TopicPartition, Long> ends = consumer.endOffsets(found);
    Map<TopicPartition, Long> starts = consumer.beginningOffsets(found);
    for (TopicPartition tp : found) {
      consumer.seek(tp, Math.max(starts.get(tp), ends.get(tp) - history));
    }
    LOG.info("console reads {} partitions{}", assignment.size(),
        missing.isEmpty() ? "" : "; still waiting for " + missing);
  }

  private void take(ConsumerRecord<byte[], byte[]> record) {
    if (record.value() == null) {
      return;
    }
    try {
      switch (kinds.get(record.topic())) {
        case "verdict" -> frames.addVerdict(verdicts.deserialize(record.topic(), record.value()))
            .ifPresent(this::publishCard);
        case "defect" -> frames.addRegion(defects.deserialize(record.topic(), record.value()))
            .ifPresent(this::publishCard);
        case "reject" -> frames.addReject(rejects.deserialize(record.topic(), record.value()))
            .forEach(this::publishCard);
        case "stats" -> board.addStats(stats.deserialize(record.topic(), record.value()))
            .ifPresent(s -> hub.publish("stats", JsonViews.stats(s).toString()));
        case "alert" -> {
          Alert alert = alerts.deserialize(record.topic(), record.value());
          board.addAlert(alert);
          hub.publish("alert", JsonViews.alert(alert).toString());
        }
        default -> throw new IllegalStateException("no kind for topic " + record.topic());
      }
    } catch (SerializationException e) {
      // Not of the topic's type, or (registry format) a schema the registry did not give.
      if (undecodable.incrementAndGet() % 1000 == 1) {
        LOG.warn("console skips records it cannot decode ({} so far), this one at {}-{}@{}: {}",
            undecodable.get(), record.topic(), record.partition(), record.offset(),
            e.getMessage());
      }
    }
  }

  private void publishCard(FrameCard card) {
    hub.publish("card", JsonViews.card(card).toString());
  }

  @Override
  public void close() {
    running = false;
    if (!started) {
      consumer.close(Duration.ZERO);
      return;
    }
    consumer.wakeup();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
