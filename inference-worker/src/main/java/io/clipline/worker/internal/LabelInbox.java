package io.clipline.worker.internal;

import io.clipline.schemas.OperatorLabel;
import io.clipline.worker.LabelOutcome;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operator labels between the consumer thread, which reads them ({@link LabelFeed}), and the
 * scoring thread, which hands them to the scorer between batches, each {@code labelId} once in
 * the recent memory of {@value #REMEMBERED_LABEL_IDS} ids. The one place where the label
 * outcomes the worker decides are counted: {@link LabelOutcome#UNDECODABLE}, {@link
 * LabelOutcome#DUPLICATE} and {@link LabelOutcome#FAILED}.
 *
 * <p>Thread-safe as used: {@link #offer} and {@link #undecodable} on the consumer thread, {@link
 * #applyTo} on the scoring thread only, {@link #count} on any.
 */
public final class LabelInbox {
  private static final Logger LOG = LoggerFactory.getLogger(LabelInbox.class);
  /** How many applied labelIds are remembered to skip duplicates. */
  static final int REMEMBERED_LABEL_IDS = 10_000;

  private final Queue<OperatorLabel> queue = new ConcurrentLinkedQueue<>();
  /** LabelIds already handed to the scorer, oldest first; only the scoring thread touches it. */
  private final Set<String> applied = Collections.newSetFromMap(
      new LinkedHashMap<String, Boolean>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > REMEMBERED_LABEL_IDS;
        }
      });
  private final AtomicLong undecodable = new AtomicLong();
  private final AtomicLong duplicate = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();

  /** Consumer thread: a label was read. */
  public void offer(OperatorLabel label) {
    queue.add(label);
  }

  /** Consumer thread: a label record was not an {@code OperatorLabel} and was skipped. */
  public void undecodable() {
    undecodable.incrementAndGet();
  }

  /**
   * Scoring thread: hands the labels queued so far to {@code scorer}, skipping labelIds already
   * applied; a label the scorer throws on is logged, counted and dropped.
   */
  public void applyTo(Consumer<OperatorLabel> scorer) {
    for (OperatorLabel label; (label = queue.poll()) != null; ) {
      if (!applied.add(label.getLabelId())) {
        duplicate.incrementAndGet();
        LOG.debug("label {} already applied; skipping the duplicate", label.getLabelId());
        continue;
      }
      try {
        scorer.accept(label);
      } catch (RuntimeException e) {
        failed.incrementAndGet();
        LOG.warn("label {} of frame {} could not be applied: {}", label.getLabelId(),
            label.getFrameId(), e.toString());
      }
    }
  }

  /**
   * Label records that came to {@code outcome} so far; 0 for the outcomes the scorer decides
   * ({@link LabelOutcome#APPLIED}, {@link LabelOutcome#UNKNOWN_FRAME}, {@link
   * LabelOutcome#IGNORED}).
   */
  public long count(LabelOutcome outcome) {
    switch (outcome) {
      case DUPLICATE:
        return duplicate.get();
      case FAILED:
        return failed.get();
      case UNDECODABLE:
        return undecodable.get();
      default:
        return 0;
    }
  }
}
