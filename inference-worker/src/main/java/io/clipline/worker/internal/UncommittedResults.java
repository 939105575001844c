package io.clipline.worker.internal;

import io.clipline.worker.FrameResult;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * What the scorer made of the frames of transactions not yet committed, by partition and offset.
 * Scoring a frame also teaches its scope (the memory admits it, the frame counter moves on), so
 * a frame of an aborted transaction that is consumed again must not be scored again: its scope
 * would learn it twice. The {@link BatchJudge} answers such a frame with the result kept here
 * (the same verdict as the aborted one, and nothing learnt); fresh frames are scored as usual.
 *
 * <p>A result is kept from its judgement until its transaction commits, or until the frame is
 * judged again from here (then it is kept anew for the new transaction); a partition that is
 * revoked or lost takes its results with it, since whoever scores it next starts from the scope
 * snapshot committed with its offsets. So it holds at most the frames of one transaction and of
 * those aborted and not yet consumed again.
 *
 * <p>Thread-safe: the scoring thread keeps, takes and commits; the consumer thread forgets.
 */
public final class UncommittedResults {
  /** Guarded by this. */
  private final Map<TopicPartition, Map<Long, FrameResult>> results = new HashMap<>();

  /** Keeps the result of {@code frame}, judged in the open transaction. */
  public synchronized void keep(PolledFrame frame, FrameResult result) {
    results.computeIfAbsent(frame.partition(), p -> new HashMap<>())
        .put(frame.record().offset(), result);
  }

  /**
   * The result kept for {@code frame}, removed; {@code null} when it has none (a frame not judged
   * before, or whose transaction committed).
   */
  public synchronized FrameResult take(PolledFrame frame) {
    Map<Long, FrameResult> partition = results.get(frame.partition());
    if (partition == null) {
      return null;
    }
    FrameResult result = partition.remove(frame.record().offset());
    if (partition.isEmpty()) {
      results.remove(frame.partition());
    }
    return result;
  }

  /** Drops the results of {@code frames}, whose transaction committed. */
  public synchronized void committed(Collection<PolledFrame> frames) {
    for (PolledFrame frame : frames) {
      Map<Long, FrameResult> partition = results.get(frame.partition());
      if (partition != null) {
        partition.remove(frame.record().offset());
        if (partition.isEmpty()) {
          results.remove(frame.partition());
        }
      }
    }
  }

  /** Drops every result of {@code partitions}, revoked or lost. */
  public synchronized void forget(Collection<TopicPartition> partitions) {
    partitions.forEach(results::remove);
  }

  /** Results kept, over all partitions. */
  public synchronized int size() {
    return results.values().stream().mapToInt(Map::size).sum();
  }
}
