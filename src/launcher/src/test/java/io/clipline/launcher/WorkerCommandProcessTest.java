package io.clipline.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clipline.schemas.topic.TopicCatalog;
import io.clipline.testkit.KafkaCluster;
import io.clipline.testkit.KafkaClusterTest;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code clipline worker} as a process: what it logs without a cluster, and when it stops. */
class WorkerCommandProcessTest {
  private static final String MODEL = LauncherProcess.MODELS.resolve("imagenet-mnv2").toString();

  @Test
  void shouldSayOnceThatTheBootstrapServersDoNotAnswerAndKeepRetryingWhenNoBrokerListens()
      throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    String servers = "127.0.0.1:" + closedPort;
    try (LauncherProcess worker = LauncherProcess.start("worker",
        "--set", "bootstrap.servers=" + servers, "--set", "metrics.port=0",
        "--set", "model.dir=" + MODEL, "--set", "worker.id=unreachable-test")) {
      assertTrue(worker.awaitLine(l -> l.contains("cannot reach the Kafka bootstrap servers"),
          Duration.ofSeconds(90)), worker.output());
      Thread.sleep(12_000); // two more failed checks, and the clients' own retries
      boolean aliveAfterRetries = worker.isAlive();
      worker.terminate();
      int exit = worker.awaitExit(Duration.ofSeconds(30));

      List<String> lines = worker.lines();
      assertTrue(aliveAfterRetries, worker.output());
      assertEquals(1, lines.stream()
          .filter(l -> l.contains("cannot reach the Kafka bootstrap servers " + servers)).count(),
          worker.output());
      assertEquals(0, lines.stream().filter(l -> l.contains("NetworkClient")).count(),
          worker.output());
      assertTrue(lines.get(lines.size() - 1).contains("CREATED -> STOPPED"),
          "exit " + exit + ":\n" + worker.output());
    }
  }

  @KafkaClusterTest
  void shouldEndItsLogAtStoppedWhenTerminated(KafkaCluster cluster) throws Exception {
    Map<String, String> topics = cluster.createIsolatedTopics("worker-stop", List.of(
        TopicCatalog.FRAMES, TopicCatalog.VERDICTS, TopicCatalog.DEFECTS, TopicCatalog.FRAMES_DLQ,
        TopicCatalog.LABELS, TopicCatalog.SCORER_STATE));
    try (LauncherProcess worker = LauncherProcess.start("worker",
        "--set", "bootstrap.servers=" + cluster.bootstrapServers(), "--set", "metrics.port=0",
        "--set", "model.dir=" + MODEL, "--set", "worker.id=stop-test",
        "--set", "group.id=stop-test-" + System.nanoTime(),
        "--set", "frames.topic=" + topics.get(TopicCatalog.FRAMES.name()),
        "--set", "verdicts.topic=" + topics.get(TopicCatalog.VERDICTS.name()),
        "--set", "defects.topic=" + topics.get(TopicCatalog.DEFECTS.name()),
        "--set", "dlq.topic=" + topics.get(TopicCatalog.FRAMES_DLQ.name()),
        "--set", "labels.topic=" + topics.get(TopicCatalog.LABELS.name()),
        "--set", "scorer.state.topic=" + topics.get(TopicCatalog.SCORER_STATE.name()))) {
      assertTrue(worker.awaitLine(l -> l.contains("partitions assigned"), Duration.ofSeconds(90)),
          worker.output());
      worker.terminate();
      worker.awaitExit(Duration.ofSeconds(60));

      List<String> lines = worker.lines();
      assertTrue(lines.stream().anyMatch(l -> l.contains("RUNNING -> STOPPING")), worker.output());
      assertTrue(lines.get(lines.size() - 1).contains("STOPPING -> STOPPED"), worker.output());
    }
  }
}
