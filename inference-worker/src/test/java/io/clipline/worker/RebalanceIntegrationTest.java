package io.clipline.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clipline.schemas.CameraFrame;
import io.clipline.schemas.FrameVerdict;
import io.clipline.schemas.serde.AvroSerde;
import io.clipline.schemas.topic.TopicCatalog;
import io.clipline.testkit.KafkaCluster;
import io.clipline.testkit.KafkaClusterTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * Issue 12's most reliable reproducer on a real broker: workers join and leave the group while
 * the first drains a backlog, so offset commits are fenced ("generation id is not valid") and
 * transactions abort while later batches of the same partitions are in flight. Every frame must
 * still get exactly one committed verdict, and each camera's committed verdicts must follow its
 * capture order.
 */
class RebalanceIntegrationTest {
  private static final AvroSerde<FrameVerdict> VERDICTS = AvroSerde.of(FrameVerdict.class);
  private static final int FRAMES = 1200;
  private static final int CAMERAS = 12;

  @KafkaClusterTest
  void shouldCommitOneVerdictPerFrameInCaptureOrderWhileWorkersJoinAndLeaveDuringABacklog(
      KafkaCluster cluster) throws Exception {
    Map<String, String> topics = WorkerIntegrationTest.topics(cluster, "rebalance");
    try (KafkaProducer<byte[], byte[]> producer = TopicReader.producer(cluster.bootstrapServers())) {
      for (int i = 0; i < FRAMES; i++) {
        CameraFrame frame = TestFrames.jpeg("f-" + i, i % CAMERAS, i / CAMERAS, 60);
        TopicReader.send(producer, topics.get(TopicCatalog.FRAMES.name()), frame.getCameraId(),
            TestFrames.SERDE.encode(frame));
      }
    }
    AtomicInteger committed = new AtomicInteger();
    WorkerListener counting = new WorkerListener() {
      @Override
      public void onVerdict(FrameVerdict verdict) {
        committed.incrementAndGet();
      }
    };
    List<InferenceWorker> started = new ArrayList<>();
    try {
      InferenceWorker first = start(cluster, topics, "rb-1", counting, started);
      // Workers join and leave while the backlog drains: each a rebalance or two.
      for (int i = 2; i <= 4; i++) {
        awaitTrue(() -> committed.get() >= 100);
        InferenceWorker joining = start(cluster, topics, "rb-" + i, counting, started);
        int seen = committed.get();
        awaitTrue(() -> committed.get() >= Math.min(FRAMES - 100, seen + 120));
        joining.close();
      }
      start(cluster, topics, "rb-5", counting, started);

      List<FrameVerdict> out = TopicReader.read(cluster.bootstrapServers(),
          topics.get(TopicCatalog.VERDICTS.name()), FRAMES, Duration.ofSeconds(120),
          Duration.ofSeconds(3), VERDICTS::decode);

      Map<String, Long> perFrame = out.stream()
          .collect(Collectors.groupingBy(FrameVerdict::getFrameId, Collectors.counting()));
      Map<String, Long> duplicates = new HashMap<>(perFrame);
      duplicates.values().removeIf(n -> n == 1);
      assertEquals(Map.of(), duplicates, "frames with more than one committed verdict");
      assertEquals(FRAMES, perFrame.size(), "frames with a verdict");
      // A camera's verdicts are on one partition, read in commit order: capture order.
      Map<String, Long> last = new HashMap<>();
      for (FrameVerdict v : out) {
        Long before = last.put(v.getCameraId(), v.getSequence());
        assertTrue(before == null || before < v.getSequence(), "camera " + v.getCameraId()
            + " went back from sequence " + before + " to " + v.getSequence());
      }
      assertEquals(InferenceWorker.State.RUNNING, first.state());
    } finally {
      started.forEach(InferenceWorker::close);
    }
  }

  private static InferenceWorker start(KafkaCluster cluster, Map<String, String> topics,
      String workerId, WorkerListener listener, List<InferenceWorker> started) {
    Map<String, Object> props = WorkerIntegrationTest.workerProps(cluster, topics, workerId);
    InferenceWorker worker = new InferenceWorker(new WorkerConfig(props), new SlowScorer(),
        listener);
    started.add(worker);
    worker.start();
    return worker;
  }

  private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out");
      Thread.sleep(20);
    }
  }

  /** The brightness scorer at a pace that keeps a backlog for a few seconds. */
  private static final class SlowScorer implements FrameScorer<float[]> {
    private final BrightnessScorer scorer = new BrightnessScorer();

    @Override
    public ScoredBatch score(List<ScorableFrame> frames) {
      return score(infer(frames));
    }

    @Override
    public InferredBatch<float[]> infer(List<ScorableFrame> frames) {
      return scorer.infer(frames);
    }

    @Override
    public ScoredBatch score(InferredBatch<float[]> batch) {
      try {
        Thread.sleep(25);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return scorer.score(batch);
    }

    @Override
    public String modelVersion() {
      return scorer.modelVersion();
    }

    @Override
    public String scorerVersion() {
      return scorer.scorerVersion();
    }

    @Override
    public String executionProvider() {
      return scorer.executionProvider();
    }
  }
}
