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
    publishBacklog(cluster, topics, FRAMES);
    AtomicInteger committed = new AtomicInteger();
    WorkerListener counting = counting(committed);
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

      assertOncePerFrameInCaptureOrder(out, FRAMES);
      assertEquals(InferenceWorker.State.RUNNING, first.state());
    } finally {
      started.forEach(InferenceWorker::close);
    }
  }

  @KafkaClusterTest
  void shouldCommitOneVerdictPerFrameWhenCommitsMeetAGenerationTheConsumerHasNotHandedOn(
      KafkaCluster cluster) throws Exception {
    Map<String, String> topics = WorkerIntegrationTest.topics(cluster, "fenced");
    int frames = 3000;
    publishBacklog(cluster, topics, frames);
    AtomicInteger committed = new AtomicInteger();
    WorkerListener counting = counting(committed);
    List<InferenceWorker> started = new ArrayList<>();
    try {
      // Long transactions and many frames waiting: when a commit is fenced, later frames of the
      // same partitions are there to be taken before the seek back.
      start(cluster, topics, "fz-1", counting, started,
          Map.of("consumer.interceptor.classes", SlowPollInterceptor.class.getName(),
              WorkerConfig.COMMIT_INTERVAL_MS, 1_000, WorkerConfig.INFLIGHT_MAX_FRAMES, 512));
      awaitTrue(() -> committed.get() >= 100);
      InferenceWorker second = start(cluster, topics, "fz-2", counting, started, Map.of());
      awaitTrue(() -> committed.get() >= 500);
      // The first worker's polls now come back late, the one that rejoins the group included:
      // its scoring thread commits while the group is at a generation it has not handed on.
      // The second worker, a static member, leaves by timing out: the first one gains its
      // partitions, with no revocation to wait for the commit.
      SlowPollInterceptor.slow("clipline-worker-fz-1", 600, 15_000);
      second.close();
      List<FrameVerdict> out = TopicReader.read(cluster.bootstrapServers(),
          topics.get(TopicCatalog.VERDICTS.name()), frames, Duration.ofSeconds(120),
          Duration.ofSeconds(3), VERDICTS::decode);

      assertOncePerFrameInCaptureOrder(out, frames);
    } finally {
      started.forEach(InferenceWorker::close);
    }
  }

  private static void assertOncePerFrameInCaptureOrder(List<FrameVerdict> out, int frames) {
    Map<String, Long> perFrame = out.stream()
        .collect(Collectors.groupingBy(FrameVerdict::getFrameId, Collectors.counting()));
    Map<String, Long> duplicates = new HashMap<>(perFrame);
    duplicates.values().removeIf(n -> n == 1);
    assertEquals(Map.of(), duplicates, "frames with more than one committed verdict");
    assertEquals(frames, perFrame.size(), "frames with a verdict");
    // A camera's verdicts are on one partition, read in commit order: capture order.
    Map<String, Long> last = new HashMap<>();
    for (FrameVerdict v : out) {
      Long before = last.put(v.getCameraId(), v.getSequence());
      assertTrue(before == null || before < v.getSequence(), "camera " + v.getCameraId()
          + " went back from sequence " + before + " to " + v.getSequence());
    }
  }

  private static InferenceWorker start(KafkaCluster cluster, Map<String, String> topics,
      String workerId, WorkerListener listener, List<InferenceWorker> started) {
    return start(cluster, topics, workerId, listener, started, Map.of());
  }

  private static InferenceWorker start(KafkaCluster cluster, Map<String, String> topics,
      String workerId, WorkerListener listener, List<InferenceWorker> started,
      Map<String, Object> extra) {
    Map<String, Object> props = WorkerIntegrationTest.workerProps(cluster, topics, workerId);
    props.putAll(extra);
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

  /** Frames f-0 .. f-(n-1), round-robin over the cameras, each camera's in capture order. */
  private static void publishBacklog(KafkaCluster cluster, Map<String, String> topics, int n)
      throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = TopicReader.producer(cluster.bootstrapServers())) {
      for (int i = 0; i < n; i++) {
        CameraFrame frame = TestFrames.jpeg("f-" + i, i % CAMERAS, i / CAMERAS, 60);
        TopicReader.send(producer, topics.get(TopicCatalog.FRAMES.name()), frame.getCameraId(),
            TestFrames.SERDE.encode(frame));
      }
    }
  }

  /** A listener that counts the verdicts the workers commit. */
  private static WorkerListener counting(AtomicInteger committed) {
    return new WorkerListener() {
      @Override
      public void onVerdict(FrameVerdict verdict) {
        committed.incrementAndGet();
      }
    };
  }
}
