package io.clipline.broker;

import io.clipline.schemas.topic.TopicSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.TopicPartitionReplica;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the catalog's topics on a cluster and reads back what the cluster holds.
 *
 * <p>Creation is idempotent: a topic that already exists is left as it is (its partition count is
 * never changed, since that would move keys between partitions and break per-camera order).
 */
public final class CatalogTopics {
  /** One topic as the cluster reports it. */
  public record Listing(String name, int partitions, int replicas, Map<String, String> config) {}

  private static final Duration LEADER_TIMEOUT = Duration.ofSeconds(30);

  private final Admin admin;

  public CatalogTopics(Admin admin) {
    this.admin = admin;
  }

  /**
   * Creates each topic that does not exist yet and waits until every partition of the given
   * topics has a leader and that leader holds a log for it, so that the first produce does not
   * bounce off a partition still being set up: an idempotent producer whose first batch to a
   * partition is refused and a later one accepted retries the first until it expires with
   * out-of-order sequence errors (KAFKA-15591; seen on a loaded machine).
   *
   * @param replicationFactor replicas per partition; 1 on a single-node broker
   * @return the names of the topics this call created
   */
  public List<String> create(List<TopicSpec> topics, short replicationFactor)
      throws InterruptedException {
    List<NewTopic> requests = new ArrayList<>();
    for (TopicSpec spec : topics) {
      requests.add(
          new NewTopic(spec.name(), spec.partitions(), replicationFactor)
              .configs(spec.topicConfig()));
    }
    List<String> created = new ArrayList<>();
    for (Map.Entry<String, KafkaFuture<Void>> result :
        admin.createTopics(requests).values().entrySet()) {
      try {
        result.getValue().get();
        created.add(result.getKey());
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw new IllegalStateException(
              "cannot create topic " + result.getKey() + ": " + e.getCause().getMessage(),
              e.getCause());
        }
      }
    }
    awaitReady(topics.stream().map(TopicSpec::name).collect(Collectors.toList()));
    return created;
  }

  private void awaitReady(List<String> names) throws InterruptedException {
    long deadline = System.nanoTime() + LEADER_TIMEOUT.toNanos();
    while (true) {
      try {
        if (leadersHoldLogs(admin.describeTopics(names).allTopicNames().get().values())) {
          return;
        }
      } catch (ExecutionException e) {
        // Metadata not propagated yet: ask again.
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("topics still without a leader holding a log for every"
            + " partition after " + LEADER_TIMEOUT + ": " + names);
      }
      Thread.sleep(50);
    }
  }

  private boolean leadersHoldLogs(Collection<TopicDescription> topics)
      throws InterruptedException, ExecutionException {
    List<TopicPartitionReplica> leaders = new ArrayList<>();
    for (TopicDescription topic : topics) {
      for (TopicPartitionInfo p : topic.partitions()) {
        if (p.leader() == null || p.leader().isEmpty()) {
          return false;
        }
        leaders.add(new TopicPartitionReplica(topic.name(), p.partition(), p.leader().id()));
      }
    }
    return admin.describeReplicaLogDirs(leaders).all().get().values().stream()
        .allMatch(info -> info.getCurrentReplicaLogDir() != null);
  }

  /** Describes the given topics as the cluster holds them, with the catalog's config keys. */
  public List<Listing> describe(List<TopicSpec> topics) throws InterruptedException {
    Set<String> names = topics.stream().map(TopicSpec::name).collect(Collectors.toSet());
    try {
      Map<String, TopicDescription> descriptions = admin.describeTopics(names).allTopicNames().get();
      List<ConfigResource> resources =
          names.stream()
              .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n))
              .collect(Collectors.toList());
      Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get();
      List<Listing> listings = new ArrayList<>();
      for (TopicSpec spec : topics) {
        TopicDescription description = descriptions.get(spec.name());
        Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, spec.name()));
        Map<String, String> values = new TreeMap<>();
        for (String key : spec.topicConfig().keySet()) {
          values.put(key, config.get(key).value());
        }
        listings.add(
            new Listing(
                spec.name(),
                description.partitions().size(),
                description.partitions().get(0).replicas().size(),
                values));
      }
      return listings;
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot describe topics: " + e.getCause().getMessage(), e);
    }
  }
}
