package io.clipline.worker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.clipline.schemas.Verdict;
import io.clipline.worker.FrameResult;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class UncommittedResultsTest {
  private final UncommittedResults results = new UncommittedResults();
  private final PolledFrame p0a = TestBatches.polled("a", 0, 5);
  private final PolledFrame p0b = TestBatches.polled("b", 0, 6);
  private final PolledFrame p1a = TestBatches.polled("c", 1, 5);

  @Test
  void shouldGiveAKeptResultOnceWhenTaken() {
    FrameResult a = result(Verdict.UNSURE);
    results.keep(p0a, a);

    assertSame(a, results.take(TestBatches.polled("a again", 0, 5)), "same partition and offset");
    assertNull(results.take(p0a), "taken once");
    assertNull(results.take(p1a), "another partition's offset 5 was never kept");
  }

  @Test
  void shouldDropResultsWhenTheirTransactionCommits() {
    results.keep(p0a, result(Verdict.OK));
    results.keep(p0b, result(Verdict.NG));

    results.committed(List.of(p0a));

    assertNull(results.take(p0a));
    assertEquals(1, results.size());
  }

  @Test
  void shouldDropEveryResultOfAPartitionWhenItIsForgotten() {
    results.keep(p0a, result(Verdict.OK));
    results.keep(p0b, result(Verdict.OK));
    results.keep(p1a, result(Verdict.OK));

    results.forget(List.of(new TopicPartition(TestBatches.TOPIC, 0)));

    assertEquals(1, results.size());
    assertNull(results.take(p0b));
  }

  private static FrameResult result(Verdict verdict) {
    return new FrameResult(verdict, 0.1f, 0.1f, 0.5f, 0.8f, "test", null, 0.1f, "cam", false, 0,
        null, List.of());
  }
}
