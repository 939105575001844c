package io.clipline.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clipline.schemas.CameraFrame;
import io.clipline.schemas.DeadLetter;
import io.clipline.schemas.DeadLetterStage;
import io.clipline.schemas.FrameEncoding;
import io.clipline.schemas.FrameVerdict;
import io.clipline.schemas.LabelAction;
import io.clipline.schemas.OperatorLabel;
import io.clipline.schemas.Verdict;
import io.clipline.schemas.serde.AvroSerde;
import io.clipline.schemas.topic.TopicCatalog;
import io.clipline.testkit.KafkaCluster;
import io.clipline.testkit.KafkaClusterTest;
import io.clipline.worker.internal.WorkerThreads;
import java.io.File;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;

/** The worker on a real broker: every frame gets exactly one verdict or one dead letter. */
class WorkerIntegrationTest {
  private static final AvroSerde<FrameVerdict> VERDICTS = AvroSerde.of(FrameVerdict.class);
  private static final AvroSerde<DeadLetter> LETTERS = AvroSerde.of(DeadLetter.class);
  private static final AvroSerde<OperatorLabel> LABELS = AvroSerde.of(OperatorLabel.class);

  static Map<String, String> topics(KafkaCluster cluster, String prefix) {
    return cluster.createIsolatedTopics(prefix, List.of(TopicCatalog.FRAMES,
        TopicCatalog.VERDICTS, TopicCatalog.DEFECTS, TopicCatalog.FRAMES_DLQ, TopicCatalog.LABELS,
        TopicCatalog.SCORER_STATE));
  }

  static Map<String, Object> workerProps(KafkaCluster cluster, Map<String, String> topics,
      String workerId) {
    Map<String, Object> props = new HashMap<>();
    props.put(WorkerConfig.BOOTSTRAP_SERVERS, cluster.bootstrapServers());
    props.put(WorkerConfig.GROUP_ID, "workers-" + topics.get(TopicCatalog.FRAMES.name()));
    props.put(WorkerConfig.WORKER_ID, workerId);
    props.put(WorkerConfig.FRAMES_TOPIC, topics.get(TopicCatalog.FRAMES.name()));
    props.put(WorkerConfig.VERDICTS_TOPIC, topics.get(TopicCatalog.VERDICTS.name()));
    props.put(WorkerConfig.DEFECTS_TOPIC, topics.get(TopicCatalog.DEFECTS.name()));
    props.put(WorkerConfig.DLQ_TOPIC, topics.get(TopicCatalog.FRAMES_DLQ.name()));
    props.put(WorkerConfig.LABELS_TOPIC, topics.get(TopicCatalog.LABELS.name()));
    props.put(WorkerConfig.SCORER_STATE_TOPIC, topics.get(TopicCatalog.SCORER_STATE.name()));
    props.put(WorkerConfig.BATCH_MAX_FRAMES, 8);
    props.put(WorkerConfig.BATCH_LINGER_MS, 20);
    // A killed worker leaves the group after this long; the default 45 s would slow the test.
    props.put("consumer.session.timeout.ms", 6000);
    return props;
  }

  private static Function<byte[], FrameVerdict> verdicts() {
    return VERDICTS::decode;
  }

  @KafkaClusterTest
  void shouldWriteOneVerdictPerFrameWhenTwoHundredFramesArrive(KafkaCluster cluster)
      throws Exception {
    Map<String, String> topics = topics(cluster, "twohundred");
    try (KafkaProducer<byte[], byte[]> producer = TopicReader.producer(cluster.bootstrapServers())) {
      for (int i = 0; i < 200; i++) {
        CameraFrame frame = TestFrames.jpeg("f-" + i, i % 4, i, i % 10 == 0 ? 250 : 60);
        TopicReader.send(producer, topics.get(TopicCatalog.FRAMES.name()), frame.getCameraId(),
            TestFrames.SERDE.encode(frame));
      }
    }
    BrightnessScorer scorer = new BrightnessScorer();
    try (InferenceWorker worker = new InferenceWorker(
        new WorkerConfig(workerProps(cluster, topics, "w-200")), scorer, new WorkerListener() {})) {
      assertFalse(worker.isReady(), "not ready before it holds partitions");
      worker.start();
      List<FrameVerdict> out = TopicReader.read(cluster.bootstrapServers(),
          topics.get(TopicCatalog.VERDICTS.name()), 200, Duration.ofSeconds(90),
          Duration.ofSeconds(2), verdicts());
      assertTrue(worker.isReady(), "ready once it holds partitions");
      assertFalse(worker.isStandby());

      Map<String, Long> perFrame = out.stream()
          .collect(Collectors.groupingBy(FrameVerdict::getFrameId, Collectors.counting()));
      assertEquals(200, perFrame.size(), "frames with a verdict");
      assertTrue(perFrame.values().stream().allMatch(n -> n == 1), "duplicates: " + perFrame);
      assertEquals(20, out.stream().filter(v -> v.getVerdict().name().equals("NG")).count());
      // Each verdict points at its own frame record, for readers that fetch the image.
      assertTrue(out.stream().allMatch(v -> v.getFramePosition() != null
          && v.getFramePosition().getTopic().equals(topics.get(TopicCatalog.FRAMES.name()))),
          "every verdict names the frames topic");
      assertEquals(200, out.stream().map(FrameVerdict::getFramePosition).distinct().count(),
          "frame positions");
      assertEquals(InferenceWorker.State.RUNNING, worker.state());
      assertTrue(scorer.batchSizes.stream().allMatch(n -> n <= 8), "batch sizes " + scorer.batchSizes);
      // Two stages on two threads, every batch judged once and in the order it was inferred.
      assertTrue(scorer.inferCalls.stream().allMatch(c -> c.startsWith("clipline-model:")),
          "model stage threads " + scorer.inferCalls);
      assertTrue(scorer.scoreCalls.stream().allMatch(c -> c.startsWith("clipline-scoring:")),
          "scoring stage threads " + scorer.scoreCalls);
      assertEquals(strip(scorer.inferCalls), strip(scorer.scoreCalls));
      // Each frame prepared for the model once, on a decode thread, before its batch.
      assertEquals(200, Set.copyOf(strip(scorer.prepareCalls)).size(), "prepared frames");
      assertTrue(scorer.prepareCalls.stream().allMatch(c -> c.startsWith(WorkerThreads.DECODE)),
          "preparation threads " + scorer.prepareCalls);
    }
  }

  private static List<String> strip(List<String> calls) {
    synchronized (calls) {
      return calls.stream().map(c -> c.substring(c.indexOf(':') + 1)).collect(Collectors.toList());
    }
  }

  @KafkaClusterTest
  void shouldDeadLetterEveryMalformedFrameWithItsReasonAndKeepRunning(KafkaCluster cluster)
      throws Exception {
    Map<String, String> topics = topics(cluster, "malformed");
    String framesTopic = topics.get(TopicCatalog.FRAMES.name());
    byte[] jpeg = TestFrames.encode(90, "jpg");
    byte[] png = TestFrames.encode(90, "png");
    Map<String, byte[]> bad = new HashMap<>();
    // 1. a JPEG cut in half
    bad.put("decode.truncated", frameBytes("truncated", FrameEncoding.JPEG,
        Arrays.copyOf(jpeg, jpeg.length / 2), null));
    // 2. an empty image
    bad.put("decode.empty", frameBytes("empty", FrameEncoding.PNG, new byte[0], null));
    // 3. an encoding the worker does not know
    bad.put("decode.unknown_encoding", frameBytes("unknown", FrameEncoding.UNKNOWN, png, null));
    // 4. not Avro at all
    bad.put("schema.not_avro", "{\"frameId\":\"json\"}".getBytes(StandardCharsets.UTF_8));
    // 5. a PNG header claiming 30000 x 30000 pixels (a decompression bomb)
    bad.put("decode.dimensions_exceed_limit", frameBytes("bomb", FrameEncoding.PNG, pngHeader(30000, 30000), null));
    // 6. a claim-check URI nobody can serve
    bad.put("fetch.not_found", frameBytes("claim", FrameEncoding.JPEG, null,
        new File("/nonexistent/clipline/" + UUID.randomUUID() + ".jpg").toURI().toString()));
    // 7. raw pixels whose count does not match width x height
    bad.put("decode.size_mismatch", frameBytes("raw", FrameEncoding.GRAY8, new byte[10], null));
    // 8. neither inline bytes nor a URI
    bad.put("validate.no_image", frameBytes("none", FrameEncoding.JPEG, null, null));
    try (KafkaProducer<byte[], byte[]> producer = TopicReader.producer(cluster.bootstrapServers())) {
      int n = 0;
      while (n < 24) {
        for (byte[] value : bad.values()) {
          TopicReader.send(producer, framesTopic, "line-1/station-1/cam-0", value);
          n++;
        }
      }
      for (int i = 0; i < 10; i++) {
        CameraFrame good = TestFrames.jpeg("good-" + i, 1, i, 80);
        TopicReader.send(producer, framesTopic, good.getCameraId(), TestFrames.SERDE.encode(good));
      }
    }
    try (InferenceWorker worker = new InferenceWorker(
        new WorkerConfig(workerProps(cluster, topics, "w-bad")), new BrightnessScorer(),
        new WorkerListener() {})) {
      worker.start();
      List<DeadLetter> letters = TopicReader.read(cluster.bootstrapServers(),
          topics.get(TopicCatalog.FRAMES_DLQ.name()), 24, Duration.ofSeconds(90),
          Duration.ofSeconds(1), LETTERS::decode);
      List<FrameVerdict> good = TopicReader.read(cluster.bootstrapServers(),
          topics.get(TopicCatalog.VERDICTS.name()), 10, Duration.ofSeconds(60),
          Duration.ofSeconds(1), verdicts());

      assertEquals(24, letters.size(), "dead letters");
      Set<String> codes = letters.stream().map(DeadLetter::getReasonCode).collect(Collectors.toSet());
      assertEquals(bad.keySet(), codes, "one distinct reason per kind of bad frame");
      for (DeadLetter letter : letters) {
        assertEquals(framesTopic, letter.getOriginalTopic());
        assertTrue(letter.getOriginalValue() != null, "original bytes kept");
        assertTrue(!letter.getReason().isBlank(), "a reason for people");
        String stage = letter.getStage() == DeadLetterStage.DESERIALIZE ? "schema"
            : letter.getStage().name().toLowerCase(java.util.Locale.ROOT);
        assertTrue(letter.getReasonCode().startsWith(stage + "."),
            "stage.detail: " + letter.getStage() + " " + letter.getReasonCode());
      }
      assertTrue(letters.stream().anyMatch(l -> l.getStage() == DeadLetterStage.DESERIALIZE));
      assertTrue(letters.stream().anyMatch(l -> l.getStage() == DeadLetterStage.FETCH));
      assertEquals(10, good.size(), "good frames after the bad ones still get verdicts");
      assertEquals(InferenceWorker.State.RUNNING, worker.state());
    }
  }

  @KafkaClusterTest
  void shouldRetryAtHalfSizeThenFrameByFrameWhenTheModelFails(KafkaCluster cluster)
      throws Exception {
    Map<String, String> topics = topics(cluster, "fallback");
    String framesTopic = topics.get(TopicCatalog.FRAMES.name());
    try (KafkaProducer<byte[], byte[]> producer = TopicReader.producer(cluster.bootstrapServers())) {
      for (int i = 0; i < 16; i++) {
        CameraFrame frame = TestFrames.jpeg((i == 5 ? "poison-" : "f-") + i, 0, i, 80);
        TopicReader.send(producer, framesTopic, frame.getCameraId(), TestFrames.SERDE.encode(frame));
      }
    }
    // Batches above 4 frames "run out of memory"; the frame named poison-5 always fails.
    BrightnessScorer scorer = new BrightnessScorer(4);
    Map<String, Object> props = workerProps(cluster, topics, "w-fallback");
    props.put(WorkerConfig.BATCH_LINGER_MS, 500);
    try (InferenceWorker worker = new InferenceWorker(new WorkerConfig(props), scorer,
        new WorkerListener() {})) {
      worker.start();
      List<FrameVerdict> out = TopicReader.read(cluster.bootstrapServers(),
          topics.get(TopicCatalog.VERDICTS.name()), 15, Duration.ofSeconds(60),
          Duration.ofSeconds(1), verdicts());
      List<DeadLetter> letters = TopicReader.read(cluster.bootstrapServers(),
          topics.get(TopicCatalog.FRAMES_DLQ.name()), 1, Duration.ofSeconds(30),
          Duration.ofSeconds(1), LETTERS::decode);

      assertEquals(15, out.size());
      assertEquals(1, letters.size());
      assertEquals("poison-5", letters.get(0).getFrameId());
      assertEquals(DeadLetterStage.INFERENCE, letters.get(0).getStage());
      assertTrue(scorer.batchSizes.contains(8) && scorer.batchSizes.contains(4)
          && scorer.batchSizes.contains(1), "fallback sizes " + scorer.batchSizes);
    }
  }

  @KafkaClusterTest
  void shouldCommitExactlyOneVerdictPerFrameWhenAWorkerIsKilledBeforeCommit(KafkaCluster cluster)
      throws Exception {
    Map<String, String> topics = topics(cluster, "killed");
    String framesTopic = topics.get(TopicCatalog.FRAMES.name());
    int frames = 60;
    try (KafkaProducer<byte[], byte[]> producer = TopicReader.producer(cluster.bootstrapServers())) {
      for (int i = 0; i < frames; i++) {
        CameraFrame frame = TestFrames.jpeg("k-" + i, i % 3, i, 80);
        TopicReader.send(producer, framesTopic, frame.getCameraId(), TestFrames.SERDE.encode(frame));
      }
    }
    Map<String, Object> props = workerProps(cluster, topics, "w-killed");
    // One transaction per batch, so the third transaction comes after two committed ones.
    props.put(WorkerConfig.COMMIT_INTERVAL_MS, 0);
    List<String> command = new java.util.ArrayList<>(List.of(
        ProcessHandle.current().info().command().orElse("java"),
        "-cp", System.getProperty("java.class.path"), KilledWorkerMain.class.getName(), "3"));
    props.forEach((k, v) -> command.add(k + "=" + v));
    Process process = new ProcessBuilder(command).inheritIO().start();
    try {
      assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the doomed worker did not halt");
      assertEquals(KilledWorkerMain.HALT_STATUS, process.exitValue(),
          "the doomed worker must die in its third transaction, before commit");
    } finally {
      process.destroyForcibly();
    }

    try (InferenceWorker worker = new InferenceWorker(new WorkerConfig(props),
        new BrightnessScorer(), new WorkerListener() {})) {
      worker.start();
      List<FrameVerdict> out = TopicReader.read(cluster.bootstrapServers(),
          topics.get(TopicCatalog.VERDICTS.name()), frames, Duration.ofSeconds(90),
          Duration.ofSeconds(3), verdicts());

      Map<String, Long> perFrame = out.stream()
          .collect(Collectors.groupingBy(FrameVerdict::getFrameId, Collectors.counting()));
      assertEquals(frames, perFrame.size(), "frames with a committed verdict");
      Set<Long> counts = new HashSet<>(perFrame.values());
      assertEquals(Set.of(1L), counts, "committed verdicts per frame");
    }
  }

  @KafkaClusterTest
  void shouldHandEachOperatorLabelToTheScorerOnceOnTheScoringThread(KafkaCluster cluster)
      throws Exception {
    Map<String, String> topics = topics(cluster, "labels");
    String framesTopic = topics.get(TopicCatalog.FRAMES.name());
    String labelsTopic = topics.get(TopicCatalog.LABELS.name());
    BrightnessScorer scorer = new BrightnessScorer();
    try (KafkaProducer<byte[], byte[]> producer = TopicReader.producer(cluster.bootstrapServers());
        InferenceWorker worker = new InferenceWorker(
            new WorkerConfig(workerProps(cluster, topics, "w-labels")), scorer,
            new WorkerListener() {})) {
      for (int i = 0; i < 8; i++) {
        CameraFrame frame = TestFrames.jpeg("f-" + i, i % 4, i, 80);
        TopicReader.send(producer, framesTopic, frame.getCameraId(), TestFrames.SERDE.encode(frame));
      }
      worker.start();
      assertEquals(8, TopicReader.read(cluster.bootstrapServers(),
          topics.get(TopicCatalog.VERDICTS.name()), 8, Duration.ofSeconds(60),
          Duration.ofSeconds(1), verdicts()).size(), "verdicts before any label");

      // Labels for frames of three cameras; one sent twice, and a record that is no label.
      List<OperatorLabel> labels = List.of(label("f-0", 0), label("f-1", 1), label("f-2", 2));
      for (OperatorLabel label : labels) {
        TopicReader.send(producer, labelsTopic, label.getCameraId(), LABELS.encode(label));
      }
      TopicReader.send(producer, labelsTopic, labels.get(0).getCameraId(),
          LABELS.encode(labels.get(0)));
      TopicReader.send(producer, labelsTopic, labels.get(2).getCameraId(),
          "not a label".getBytes(StandardCharsets.UTF_8));
      OperatorLabel last = label("f-6", 2);
      TopicReader.send(producer, labelsTopic, last.getCameraId(), LABELS.encode(last));

      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (scorer.labelCalls.size() < 4 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      Thread.sleep(500); // a second delivery of any label would show up by now

      Set<String> expected = new HashSet<>();
      labels.forEach(l -> expected.add("clipline-scoring:" + l.getLabelId()));
      expected.add("clipline-scoring:" + last.getLabelId());
      assertEquals(expected, Set.copyOf(scorer.labelCalls), "labels applied, by thread");
      assertEquals(4, scorer.labelCalls.size(), "each label once: " + scorer.labelCalls);
      assertEquals(1, worker.labels(LabelOutcome.DUPLICATE));
      assertEquals(1, worker.labels(LabelOutcome.UNDECODABLE));

      for (int i = 8; i < 12; i++) {
        CameraFrame frame = TestFrames.jpeg("f-" + i, i % 4, i, 80);
        TopicReader.send(producer, framesTopic, frame.getCameraId(), TestFrames.SERDE.encode(frame));
      }
      assertEquals(12, TopicReader.read(cluster.bootstrapServers(),
          topics.get(TopicCatalog.VERDICTS.name()), 12, Duration.ofSeconds(60),
          Duration.ofSeconds(1), verdicts()).size(), "frames after the labels get verdicts");
      assertEquals(InferenceWorker.State.RUNNING, worker.state());
    }
  }

  private static OperatorLabel label(String frameId, int camera) {
    return OperatorLabel.newBuilder()
        .setLabelId(UUID.randomUUID().toString())
        .setFrameId(frameId)
        .setCameraId("line-1/station-1/cam-" + camera)
        .setAction(LabelAction.CONFIRM)
        .setConfirmedVerdict(Verdict.NG)
        .setLabelTime(Instant.now())
        .build();
  }

  private static byte[] frameBytes(String id, FrameEncoding encoding, byte[] image, String uri) {
    CameraFrame.Builder b = TestFrames.frame(id + "-" + UUID.randomUUID(), 0, 1)
        .setEncoding(encoding)
        .setWidth(encoding == FrameEncoding.GRAY8 ? 32 : 0)
        .setHeight(encoding == FrameEncoding.GRAY8 ? 24 : 0)
        .setImage(image == null ? null : ByteBuffer.wrap(image))
        .setImageUri(uri);
    return TestFrames.SERDE.encode(b.build());
  }

  /** The PNG signature and an IHDR chunk declaring the given size, and nothing after. */
  private static byte[] pngHeader(int width, int height) {
    ByteBuffer b = ByteBuffer.allocate(33);
    b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
    b.putInt(13).put("IHDR".getBytes(StandardCharsets.US_ASCII));
    b.putInt(width).putInt(height).put((byte) 8).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0);
    b.putInt(0);
    return b.array();
  }
}
