package io.clipline.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clipline.testkit.KafkaCluster;
import io.clipline.testkit.KafkaClusterTest;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.MemberDescription;

/**
 * A worker closed on purpose leaves its consumer group at once, although it is a static member
 * (group.instance.id from worker.id) whose session would otherwise keep its partitions for
 * consumer.session.timeout.ms.
 */
class ShutdownLeavesGroupIntegrationTest {
  private static final int SESSION_TIMEOUT_MS = 45_000;

  @KafkaClusterTest
  void shouldLeaveTheGroupAtOnceWhenClosedDespiteStaticMembership(KafkaCluster cluster)
      throws Exception {
    Map<String, String> topics = WorkerIntegrationTest.topics(cluster, "leave");
    Map<String, Object> props = WorkerIntegrationTest.workerProps(cluster, topics, "lv-1");
    props.put("consumer.session.timeout.ms", SESSION_TIMEOUT_MS);
    String group = (String) props.get(WorkerConfig.GROUP_ID);
    try (Admin admin = Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
      InferenceWorker worker = new InferenceWorker(new WorkerConfig(props),
          new BrightnessScorer(), new WorkerListener() {});
      try {
        worker.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!worker.isReady() && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        assertTrue(worker.isReady(), "the worker got its partitions");
        assertEquals(1, members(admin, group).size(), "one static member");
      } finally {
        worker.close();
      }
      long closed = System.nanoTime();

      Collection<MemberDescription> left = members(admin, group);

      assertTrue(left.isEmpty(), "still members after close: " + left);
      assertTrue(System.nanoTime() - closed < TimeUnit.MILLISECONDS.toNanos(SESSION_TIMEOUT_MS),
          "gone before its session would have timed out");
    }
  }

  private static Collection<MemberDescription> members(Admin admin, String group)
      throws Exception {
    return admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS)
        .get(group).members();
  }
}
