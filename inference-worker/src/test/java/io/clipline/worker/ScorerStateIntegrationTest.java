package io.clipline.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clipline.inference.ModelFrameScorer;
import io.clipline.model.InferenceOptions;
import io.clipline.schemas.CameraFrame;
import io.clipline.schemas.FrameVerdict;
import io.clipline.schemas.ScorerSnapshot;
import io.clipline.schemas.serde.AvroSerde;
import io.clipline.schemas.topic.TopicCatalog;
import io.clipline.scoring.ScoringConfig;
import io.clipline.testkit.KafkaCluster;
import io.clipline.testkit.KafkaClusterTest;
import io.clipline.worker.internal.ScorerSnapshots;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Assumptions;

/**
 * A worker with the product scorer leaves its scopes' memory on the scorer-state topic, and the
 * next worker resumes the scope warm from it instead of starting over.
 */
class ScorerStateIntegrationTest {
  private static final Path TEXTURE = Path.of("..", "src", "models", "texture");
  private static final AvroSerde<FrameVerdict> VERDICTS = AvroSerde.of(FrameVerdict.class);
  private static final AvroSerde<ScorerSnapshot> SNAPSHOTS = AvroSerde.of(ScorerSnapshot.class);
  private static final int WARMUP = 5;
  private static final int FIRST_RUN = 8;
  private static final String SCOPE = "tile@line-1/station-1/cam-0";

  private static ModelFrameScorer scorer() {
    return ModelFrameScorer.open(TEXTURE, InferenceOptions.defaults(),
        ScoringConfig.builder().warmupFrames(WARMUP).build(), "object");
  }

  private static void send(KafkaProducer<byte[], byte[]> producer, String topic, int i) {
    CameraFrame frame = TestFrames.jpeg("f-" + i, 0, i, 70 + 10 * (i % 3));
    TopicReader.send(producer, topic, frame.getCameraId(), TestFrames.SERDE.encode(frame));
  }

  @KafkaClusterTest
  void shouldResumeAScopeWarmOnTheNextWorkerFromItsSnapshot(KafkaCluster cluster) throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(TEXTURE),
        "src/models/texture is missing: make it with /usr/bin/python3 src/models/make_texture_model.py");
    Map<String, String> topics = WorkerIntegrationTest.topics(cluster, "state");
    String framesTopic = topics.get(TopicCatalog.FRAMES.name());
    String verdictsTopic = topics.get(TopicCatalog.VERDICTS.name());
    String stateTopic = topics.get(TopicCatalog.SCORER_STATE.name());
    try (KafkaProducer<byte[], byte[]> producer = TopicReader.producer(cluster.bootstrapServers())) {
      for (int i = 0; i < FIRST_RUN; i++) {
        send(producer, framesTopic, i);
      }
      String modelVersion;
      Map<String, Object> first = WorkerIntegrationTest.workerProps(cluster, topics, "w-state-1");
      first.put(WorkerConfig.SCORER_STATE_INTERVAL_MS, 1);
      try (ModelFrameScorer scorer = scorer();
          InferenceWorker worker = new InferenceWorker(new WorkerConfig(first), scorer,
              new WorkerListener() {})) {
        modelVersion = scorer.modelVersion();
        worker.start();
        List<FrameVerdict> cold = TopicReader.read(cluster.bootstrapServers(), verdictsTopic,
            FIRST_RUN, Duration.ofSeconds(30), Duration.ZERO, VERDICTS::decode);
        assertEquals(FIRST_RUN, cold.size(), "verdicts of the first worker");
        FrameVerdict firstVerdict =
            cold.stream().min(Comparator.comparingLong(FrameVerdict::getScopeFramesSeen)).orElseThrow();
        assertEquals(1, firstVerdict.getScopeFramesSeen(), "the first worker starts cold");
        assertTrue(firstVerdict.getWarmup());
      }

      List<ScorerSnapshot> chunks = TopicReader.read(cluster.bootstrapServers(), stateTopic,
          1, Duration.ofSeconds(10), Duration.ofSeconds(1), SNAPSHOTS::decode);
      ScorerSnapshots.Assembly assembly =
          new ScorerSnapshots.Assembly(modelVersion, ModelFrameScorer.SCORER_VERSION);
      chunks.forEach(assembly::add);
      ScorerSnapshots.Restorable snapshot = assembly.restorable().get(SCOPE);
      assertNotNull(snapshot, "a complete snapshot of " + SCOPE + " among " + chunks.size()
          + " chunks");
      assertEquals(FIRST_RUN, snapshot.origin().framesSeen());
      assertEquals("w-state-1", snapshot.origin().workerId());

      send(producer, framesTopic, FIRST_RUN);
      Map<String, Object> second = WorkerIntegrationTest.workerProps(cluster, topics, "w-state-2");
      try (ModelFrameScorer scorer = scorer();
          InferenceWorker worker = new InferenceWorker(new WorkerConfig(second), scorer,
              new WorkerListener() {})) {
        worker.start();
        List<FrameVerdict> all = TopicReader.read(cluster.bootstrapServers(), verdictsTopic,
            FIRST_RUN + 1, Duration.ofSeconds(30), Duration.ZERO, VERDICTS::decode);
        FrameVerdict next = all.stream()
            .filter(v -> v.getFrameId().equals("f-" + FIRST_RUN)).findFirst().orElseThrow();
        assertEquals("w-state-2", next.getWorkerId());
        assertEquals(FIRST_RUN + 1, next.getScopeFramesSeen(), "the scope's count goes on");
        assertFalse(next.getWarmup(), "the scope is warm");
      }
    }
  }

  @KafkaClusterTest
  void shouldScoreColdAndWriteNoSnapshotWhenTheStateTopicDoesNotExist(KafkaCluster cluster)
      throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(TEXTURE),
        "src/models/texture is missing: make it with /usr/bin/python3 src/models/make_texture_model.py");
    Map<String, String> topics = cluster.createIsolatedTopics("nostate", List.of(
        TopicCatalog.FRAMES, TopicCatalog.VERDICTS, TopicCatalog.DEFECTS, TopicCatalog.FRAMES_DLQ,
        TopicCatalog.LABELS));
    Map<String, Object> props = WorkerIntegrationTest.workerProps(cluster, topics, "w-nostate");
    props.put(WorkerConfig.SCORER_STATE_TOPIC, "nostate-missing-scorer-state");
    props.put(WorkerConfig.SCORER_STATE_INTERVAL_MS, 1);
    try (KafkaProducer<byte[], byte[]> producer = TopicReader.producer(cluster.bootstrapServers());
        ModelFrameScorer scorer = scorer();
        InferenceWorker worker = new InferenceWorker(new WorkerConfig(props), scorer,
            new WorkerListener() {})) {
      for (int i = 0; i < 4; i++) {
        send(producer, topics.get(TopicCatalog.FRAMES.name()), i);
      }
      worker.start();
      List<FrameVerdict> verdicts = TopicReader.read(cluster.bootstrapServers(),
          topics.get(TopicCatalog.VERDICTS.name()), 4, Duration.ofSeconds(30),
          Duration.ofSeconds(1), VERDICTS::decode);

      assertEquals(4, verdicts.size());
      assertEquals(InferenceWorker.State.RUNNING, worker.state());
    }
  }
}
