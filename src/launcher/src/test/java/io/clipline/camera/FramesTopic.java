package io.clipline.camera;

import io.clipline.schemas.topic.TopicCatalog;
import io.clipline.testkit.KafkaCluster;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeReplicaLogDirsResult.ReplicaLogDirInfo;
import org.apache.kafka.common.TopicPartitionReplica;

/** A fresh frames topic on a test cluster, ready for a producer that publishes at once. */
public final class FramesTopic {
  private static final long READY_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

  private FramesTopic() {}

  /**
   * Creates an isolated copy of {@link TopicCatalog#FRAMES} and waits until the broker holds a
   * log for each of its partitions. An idempotent producer that publishes before then can have
   * its first batch to a partition refused and a later one accepted, and then retries the first
   * until it expires (KAFKA-15591).
   *
   * @return the topic's name
   */
  public static String create(KafkaCluster cluster, String prefix) throws InterruptedException {
    String topic = cluster.createIsolatedTopics(prefix, List.of(TopicCatalog.FRAMES))
        .get(TopicCatalog.FRAMES.name());
    try (Admin admin = Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
      // Test clusters have a single broker.
      int broker = admin.describeCluster().nodes().get().iterator().next().id();
      List<TopicPartitionReplica> replicas = IntStream.range(0, TopicCatalog.FRAMES.partitions())
          .mapToObj(partition -> new TopicPartitionReplica(topic, partition, broker))
          .toList();
      long deadline = System.nanoTime() + READY_TIMEOUT_NANOS;
      while (!admin.describeReplicaLogDirs(replicas).all().get().values().stream()
          .map(ReplicaLogDirInfo::getCurrentReplicaLogDir)
          .allMatch(dir -> dir != null)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(topic + ": no log for every partition after 30 s");
        }
        Thread.sleep(20);
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException(topic + ": cannot describe its partitions", e.getCause());
    }
    return topic;
  }
}
