package io.clipline.worker.internal;

import io.clipline.schemas.topic.TopicCatalog;
import io.clipline.worker.WorkerConfig;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The settings of the four Kafka clients one worker runs, derived from its {@link WorkerConfig}:
 * the frame consumer (in the worker's group), the label and scorer-state consumers (no group,
 * partitions assigned by hand) and the producer (transactional with {@code exactly.once}).
 * Settings under {@code consumer.} and {@code producer.} override the defaults; the group-less
 * consumers drop the group settings again.
 *
 * <p>Each call returns a new mutable map. Immutable and thread-safe.
 */
public final class ClientConfigs {
  private final WorkerConfig config;

  public ClientConfigs(WorkerConfig config) {
    this.config = config;
  }

  /**
   * The frame consumer: the worker's group, read_committed, manual commits, cooperative, and a
   * static member whose {@code group.instance.id} is derived from {@code worker.id}: a replica
   * restarted with the same id within the session timeout takes its partitions back at once,
   * without a rebalance and without waiting for the dead member to time out.
   */
  public Map<String, Object> frameConsumer() {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.getList(WorkerConfig.BOOTSTRAP_SERVERS));
    props.put(ConsumerConfig.GROUP_ID_CONFIG, config.getString(WorkerConfig.GROUP_ID));
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId());
    props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, clientId());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.getInt(WorkerConfig.BATCH_MAX_FRAMES));
    props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, TopicCatalog.MAX_FRAME_BYTES);
    props.putAll(config.originalsWithPrefix("consumer."));
    return props;
  }

  /** The label consumer: group-less, from the end of each partition it is given. */
  public Map<String, Object> labelConsumer() {
    return groupLessConsumer("labels", "latest");
  }

  /** The scorer-state consumer: group-less, from the beginning, chunks of any size. */
  public Map<String, Object> stateConsumer() {
    Map<String, Object> props = groupLessConsumer("state", "earliest");
    props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
        TopicCatalog.SCORER_STATE.maxMessageBytes());
    return props;
  }

  /**
   * The producer: idempotent, acks=all, requests as large as a dead letter; with {@code
   * exactly.once} transactional under an id stable per worker, so a restarted worker fences its
   * predecessor and aborts its open transaction.
   */
  public Map<String, Object> producer() {
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.getList(WorkerConfig.BOOTSTRAP_SERVERS));
    props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    // A dead letter carries the whole original frame.
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, TopicCatalog.FRAMES_DLQ.maxMessageBytes());
    if (config.getBoolean(WorkerConfig.EXACTLY_ONCE)) {
      props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, clientId());
      props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 30_000);
    }
    props.putAll(config.originalsWithPrefix("producer."));
    return props;
  }

  /**
   * The frame consumer's client settings without its group, for a consumer assigned partitions
   * by hand; read_committed like the frames, never committing offsets.
   */
  private Map<String, Object> groupLessConsumer(String role, String offsetReset) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.getList(WorkerConfig.BOOTSTRAP_SERVERS));
    props.putAll(config.originalsWithPrefix("consumer."));
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    props.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    props.remove(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId() + "-" + role);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, offsetReset);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return props;
  }

  private String clientId() {
    return "clipline-worker-" + config.getString(WorkerConfig.WORKER_ID);
  }
}
