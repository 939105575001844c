package io.clipline.worker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The scoring stage and its fallback, without Kafka. */
class BatchJudgeTest {
  private ModelStage<Void> model;

  @AfterEach
  void close() {
    model.close();
  }

  private JudgedBatch judge(TestBatches.RecordingScorer scorer, List<String> frameIds)
      throws InterruptedException {
    model = new ModelStage<>(scorer);
    List<PolledFrame> batch = new ArrayList<>();
    for (int i = 0; i < frameIds.size(); i++) {
      batch.add(TestBatches.polled(frameIds.get(i), i));
    }
    return new BatchJudge<>(scorer, model, new UncommittedResults()).judge(model.await(model.submit(batch)));
  }

  @Test
  void shouldScoreTheWholeBatchOnceWhenNothingFails() throws Exception {
    TestBatches.RecordingScorer scorer = new TestBatches.RecordingScorer(Integer.MAX_VALUE);
    JudgedBatch judged = judge(scorer, List.of("a", "b", "c"));

    assertFalse(judged.fellBack());
    assertEquals(List.of("a/3"), TestBatches.RecordingScorer.names(scorer.scored));
    assertTrue(judged.judgements().stream().allMatch(j -> j instanceof JudgedBatch.Scored));
    assertEquals(new JudgedBatch.StageTimes(1_000, 10), judged.times());
  }

  @Test
  void shouldRetryAtHalfSizeThenFrameByFrameAndRefuseOnlyTheFrameThatFailsAlone()
      throws Exception {
    // The model fails above 2 frames; the half of three then goes frame by frame.
    TestBatches.RecordingScorer scorer = new TestBatches.RecordingScorer(2);
    JudgedBatch judged = judge(scorer, List.of("a", "b", "c", "poison-d", "e"));

    assertTrue(judged.fellBack());
    assertEquals(List.of("a/2", "c/1", "poison-d/1", "e/1"),
        TestBatches.RecordingScorer.names(scorer.scored));
    List<String> outcome = new ArrayList<>();
    for (JudgedBatch.Judgement j : judged.judgements()) {
      outcome.add(j.frame().frame().frameId() + (j instanceof JudgedBatch.Scored ? ":scored"
          : ":" + ((JudgedBatch.Refused) j).reason().reasonCode()));
    }
    assertEquals(List.of("a:scored", "b:scored", "c:scored", "poison-d:inference.failed",
        "e:scored"), outcome);
    assertEquals(FrameRejectedException.Stage.INFERENCE,
        ((JudgedBatch.Refused) judged.judgements().get(3)).reason().stage());
    // Model and engine time of the three parts that scored.
    assertEquals(new JudgedBatch.StageTimes(3_000, 30), judged.times());
    assertTrue(scorer.inferThreads.stream().allMatch(WorkerThreads.MODEL::equals));
  }

  @Test
  void shouldRefuseASingleFrameBatchThatFailsWithoutRetrying() throws Exception {
    TestBatches.RecordingScorer scorer = new TestBatches.RecordingScorer(Integer.MAX_VALUE);
    JudgedBatch judged = judge(scorer, List.of("poison-a"));

    assertEquals(1, scorer.scored.size());
    assertTrue(judged.judgements().get(0) instanceof JudgedBatch.Refused);
  }
}
