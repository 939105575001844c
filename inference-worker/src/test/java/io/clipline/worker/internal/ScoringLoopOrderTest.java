package io.clipline.worker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clipline.schemas.DeadLetter;
import io.clipline.schemas.FrameVerdict;
import io.clipline.schemas.serde.AvroSerde;
import io.clipline.worker.InferredBatch;
import io.clipline.worker.WorkerConfig;
import io.clipline.worker.WorkerListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One pass of the scoring loop without a broker: the order in which batches reach the two
 * stages of the scorer, the promise {@link io.clipline.worker.FrameScorer} makes: batches are
 * scored in the order they were inferred.
 */
class ScoringLoopOrderTest {
  private final WorkerConfig config = new WorkerConfig(Map.of(WorkerConfig.EXACTLY_ONCE, false,
      WorkerConfig.VERDICTS_TOPIC, "verdicts", WorkerConfig.DLQ_TOPIC, "dlq"));
  private final MockProducer<byte[], byte[]> producer =
      new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
  private final InFlightFrames frames = new InFlightFrames(4, 0);
  private TestBatches.RecordingScorer scorer;
  private ModelStage<Void> model;

  @AfterEach
  void closeModelStage() {
    if (model != null) {
      model.close();
    }
  }

  private ScoringLoop<Void> loop(int failAbove) {
    scorer = new TestBatches.RecordingScorer(failAbove);
    model = new ModelStage<>(scorer);
    WorkerListener listener = new WorkerListener() {};
    TransactionalWriter writer = new TransactionalWriter(producer, false, "w", frames,
        new ConsumerTasks(), () -> new ConsumerGroupMetadata("g"), listener, () -> true);
    OutputRecords outputs = new OutputRecords(config, new VerdictRecords("w", "m", "s", "CPU"),
        new DeadLetters("w"), new FrameIntake(io.clipline.schemas.serde.AvroSerde.of(io.clipline.schemas.CameraFrame.class),
            "frames", null, null, 1 << 20, f -> f));
    ScorerStateKeeper state = new ScorerStateKeeper(scorer,
        new ScorerStateReader("state", Map.of()), "state", "w", 0, 0, () -> true);
    return new ScoringLoop<>(frames, model, new BatchJudge<>(scorer, model, frames.results()),
        outputs, writer, state, new LabelInbox(), scorer, new ScoringPassLock(), listener, 1_000,
        () -> true);
  }

  @Test
  void shouldScoreThePrefetchedBatchAfterItsModelStageWhenTheBatchBeforeItFellBack()
      throws Exception {
    ScoringLoop<Void> loop = loop(Integer.MAX_VALUE);
    // Two full batches: f0..f3 (poison-2 fails the whole batch and its half) and f4..f7.
    for (int i = 0; i < 8; i++) {
      frames.add(TestBatches.polled((i == 2 ? "poison-" : "f-") + i, i));
    }

    loop.runPass();

    // Each batch the scoring stage is handed came later out of the model stage than the one
    // scored before it.
    List<Integer> inferIndex = new ArrayList<>();
    for (InferredBatch<Void> b : scorer.scored) {
      inferIndex.add(indexOf(scorer.inferred, b));
    }
    for (int i = 1; i < inferIndex.size(); i++) {
      assertTrue(inferIndex.get(i) > inferIndex.get(i - 1),
          "scored " + TestBatches.RecordingScorer.names(scorer.scored) + " but inferred "
              + TestBatches.RecordingScorer.names(scorer.inferred));
    }
    assertTrue(scorer.inferThreads.stream().allMatch(WorkerThreads.MODEL::equals),
        "model stage threads " + scorer.inferThreads);
    // And the output is in poll order: seven verdicts, one dead letter, all committed.
    assertEquals(List.of("f-0", "f-1", "poison-2", "f-3", "f-4", "f-5", "f-6", "f-7"), written());
    assertEquals(0, frames.count());
  }

  @Test
  void shouldInferTheNextBatchBeforeTheCurrentOneIsScored() throws Exception {
    ScoringLoop<Void> loop = loop(Integer.MAX_VALUE);
    for (int i = 0; i < 8; i++) {
      frames.add(TestBatches.polled("f-" + i, i));
    }

    loop.runPass();

    assertEquals(List.of("f-0/4", "f-4/4"), TestBatches.RecordingScorer.names(scorer.inferred));
    assertEquals(TestBatches.RecordingScorer.names(scorer.inferred),
        TestBatches.RecordingScorer.names(scorer.scored));
    assertEquals(8, written().size());
  }

  @Test
  void shouldKeepTheOrderWhenTheModelStageOfBothBatchesFails() throws Exception {
    ScoringLoop<Void> loop = loop(2);
    for (int i = 0; i < 8; i++) {
      frames.add(TestBatches.polled("f-" + i, i));
    }

    loop.runPass();

    assertEquals(List.of("f-0/2", "f-2/2", "f-4/2", "f-6/2"),
        TestBatches.RecordingScorer.names(scorer.scored));
    assertEquals(scorer.inferred, scorer.scored);
    assertEquals(8, written().size());
  }

  /** Frame ids of the verdicts and dead letters sent, in send order. */
  private List<String> written() {
    List<String> ids = new ArrayList<>();
    for (ProducerRecord<byte[], byte[]> r : producer.history()) {
      if (r.topic().equals("verdicts")) {
        ids.add(AvroSerde.of(FrameVerdict.class).decode(r.value()).getFrameId());
      } else if (r.topic().equals("dlq")) {
        ids.add(AvroSerde.of(DeadLetter.class).decode(r.value()).getFrameId());
      }
    }
    return ids;
  }

  private static int indexOf(List<InferredBatch<Void>> batches, InferredBatch<Void> batch) {
    synchronized (batches) {
      for (int i = 0; i < batches.size(); i++) {
        if (batches.get(i) == batch) {
          return i;
        }
      }
    }
    throw new AssertionError("scored a batch the model stage never returned");
  }
}
