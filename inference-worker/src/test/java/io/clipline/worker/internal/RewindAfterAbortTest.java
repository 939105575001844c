package io.clipline.worker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clipline.schemas.FrameVerdict;
import io.clipline.worker.FrameScorer;
import io.clipline.worker.InferredBatch;
import io.clipline.worker.ScorableFrame;
import io.clipline.worker.ScoredBatch;
import io.clipline.worker.WorkerConfig;
import io.clipline.worker.WorkerListener;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The regression of issue 12 without a broker: a fenced offset commit ({@link
 * CommitFailedException} from {@code sendOffsetsToTransaction}, as after a rebalance) while later
 * frames of the same partition wait in the batcher, and the consumer thread has not yet run the
 * rewind (it is in a poll). No frame after the rewind point may be judged before it is consumed
 * again: each frame gets exactly one committed verdict, in offset order.
 */
class RewindAfterAbortTest {
  private final TopicPartition p0 = new TopicPartition(TestBatches.TOPIC, 0);
  private final WorkerConfig config = new WorkerConfig(Map.of(WorkerConfig.EXACTLY_ONCE, true,
      WorkerConfig.VERDICTS_TOPIC, "verdicts", WorkerConfig.DLQ_TOPIC, "dlq"));
  private final MockProducer<byte[], byte[]> producer =
      new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
  private final InFlightFrames frames = new InFlightFrames(4, 0);
  private final ConsumerTasks tasks = new ConsumerTasks();
  private final List<String> committed = Collections.synchronizedList(new ArrayList<>());
  private final TestBatches.RecordingScorer scorer = new TestBatches.RecordingScorer(99);
  private ModelStage<Void> model;

  @AfterEach
  void closeModelStage() {
    model.close();
  }

  private ScoringLoop<Void> loop() {
    return loop(scorer, 0);
  }

  private ScoringLoop<Void> loop(FrameScorer<Void> scorer, long commitIntervalMs) {
    model = new ModelStage<>(scorer);
    WorkerListener listener = new WorkerListener() {
      @Override
      public void onVerdict(FrameVerdict verdict) {
        committed.add(verdict.getFrameId());
      }
    };
    TransactionalWriter writer = new TransactionalWriter(producer, true, "w", frames, tasks,
        () -> new ConsumerGroupMetadata("g"), listener, () -> true);
    OutputRecords outputs = new OutputRecords(config, new VerdictRecords("w", "m", "s", "CPU"),
        new DeadLetters("w"), new FrameIntake(io.clipline.schemas.serde.AvroSerde.of(io.clipline.schemas.CameraFrame.class),
            "frames", null, null, 1 << 20, f -> f));
    ScorerStateKeeper state = new ScorerStateKeeper(scorer,
        new ScorerStateReader("state", Map.of()), "state", "w", Integer.MAX_VALUE, 0, () -> true);
    return new ScoringLoop<>(frames, model, new BatchJudge<>(scorer, model, frames.results()),
        outputs, writer, state, new LabelInbox(), scorer, new ScoringPassLock(), listener,
        commitIntervalMs, () -> true);
  }

  /** What the consumer thread does with each record it polls. */
  private void poll(long from, long to) {
    for (long offset = from; offset < to; offset++) {
      frames.add(TestBatches.polled("f-" + offset, 0, offset));
    }
  }

  @Test
  void shouldJudgeNoFrameAfterTheRewindPointUntilItIsConsumedAgain() throws Exception {
    producer.initTransactions();
    ScoringLoop<Void> loop = loop();
    poll(0, 8);
    producer.sendOffsetsToTransactionException =
        new CommitFailedException("Specified group generation id is not valid");

    loop.runPass(); // f-0..f-3: the offset commit is fenced, the transaction aborts
    assertTrue(producer.transactionAborted());
    producer.sendOffsetsToTransactionException = null;
    poll(8, 10); // a poll that returned before the consumer thread ran the rewind
    loop.runPass(); // the scoring thread goes on while the consumer thread is still polling
    loop.runPass();

    MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    consumer.assign(List.of(p0));
    consumer.seek(p0, 10);
    tasks.runAll(consumer); // the consumer thread, back from its poll, rewinds
    long rewoundTo = consumer.position(p0);
    assertEquals(0, rewoundTo);
    poll(rewoundTo, 10); // consumed again from the rewind point
    for (int i = 0; i < 4; i++) {
      loop.runPass();
    }

    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      expected.add("f-" + i);
    }
    assertEquals(expected, committed,
        "one committed verdict per frame, in offset order, none before its frame came again");
    assertEquals(0, frames.count());
  }

  @Test
  void shouldScoreEveryFrameOnceWhenItsTransactionAbortedAndItIsConsumedAgain() throws Exception {
    producer.initTransactions();
    ScoringLoop<Void> loop = loop();
    poll(0, 6);
    producer.sendOffsetsToTransactionException =
        new CommitFailedException("Specified group generation id is not valid");

    // f-0..f-3 and the prefetched f-4, f-5 scored (their scope learnt them); the commit aborts
    loop.runPass();
    assertTrue(producer.transactionAborted());
    assertEquals(6, frames.results().size(), "the aborted frames' results are kept");
    producer.sendOffsetsToTransactionException = null;
    MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    consumer.assign(List.of(p0));
    consumer.seek(p0, 6);
    tasks.runAll(consumer); // rewinds to 0
    // consumed again with two new frames: f-0..f-3 judged before; f-4, f-5 before, f-6, f-7 not
    poll(consumer.position(p0), 8);
    for (int i = 0; i < 3; i++) {
      loop.runPass();
    }

    Map<String, Integer> timesScored = new HashMap<>();
    for (InferredBatch<Void> batch : scorer.scored) {
      batch.frames().forEach(f -> timesScored.merge(f.frameId(), 1, Integer::sum));
    }
    for (int i = 0; i < 8; i++) {
      assertEquals(1, timesScored.getOrDefault("f-" + i, 0),
          "f-" + i + " is scored (and learnt by its scope) exactly once: " + timesScored);
    }
    assertEquals(List.of("f-0", "f-1", "f-2", "f-3", "f-4", "f-5", "f-6", "f-7"), committed);
    assertEquals(0, frames.results().size(), "nothing is kept once its transaction committed");
    assertEquals(0, frames.count());
  }

  @Test
  void shouldDropABatchTheModelStageHeldWhenItsPartitionWasLostAndRewindTheOthersInIt()
      throws Exception {
    producer.initTransactions();
    TopicPartition p1 = new TopicPartition(TestBatches.TOPIC, 1);
    // The model stage runs while the consumer thread loses partition 0.
    FrameScorer<Void> losing = new FrameScorer<>() {
      @Override
      public InferredBatch<Void> infer(List<ScorableFrame> batch) {
        frames.lose(List.of(p0));
        return scorer.infer(batch);
      }

      @Override
      public ScoredBatch score(List<ScorableFrame> batch) {
        return scorer.score(batch);
      }

      @Override
      public ScoredBatch score(InferredBatch<Void> batch) {
        return scorer.score(batch);
      }

      @Override
      public String modelVersion() {
        return "losing";
      }

      @Override
      public String scorerVersion() {
        return "test";
      }

      @Override
      public String executionProvider() {
        return "CPU";
      }
    };
    ScoringLoop<Void> loop = loop(losing, 1_000);
    frames.add(TestBatches.polled("p0-3", 0, 3));
    frames.add(TestBatches.polled("p1-7", 1, 7));
    frames.add(TestBatches.polled("p1-8", 1, 8));

    loop.runPass();

    assertTrue(scorer.scored.isEmpty(), "the stale batch is not judged");
    assertTrue(committed.isEmpty());
    assertEquals(0, frames.count());
    assertFalse(frames.add(TestBatches.polled("p1-9", 1, 9)), "partition 1 is rewound too");
    MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    consumer.assign(List.of(p1));
    consumer.seek(p1, 10);
    tasks.runAll(consumer);
    assertEquals(7, consumer.position(p1), "its frames in the dropped batch come again");
  }
}
