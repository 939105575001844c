package io.clipline.worker.internal;

import io.clipline.schemas.DeadLetter;
import io.clipline.worker.WorkerListener;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WARN line per committed dead letter (where the frame came from, its stage and reason), at
 * most {@link #PER_SECOND} a second so that a flood of bad frames cannot flood the log: the
 * letters beyond are counted and the next line logged says how many were left out. The
 * dead-letter topic and the {@code dead_letters} metric keep every one.
 *
 * <p>Called on the scoring thread after each commit; not thread-safe.
 */
public final class DeadLetterLog implements WorkerListener {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterLog.class);
  /** Lines a second at most. */
  public static final int PER_SECOND = 10;

  private final LongSupplier nanoTime;
  private final Consumer<String> log;
  private long windowStart;
  private int inWindow;
  private long leftOut;

  public DeadLetterLog() {
    this(System::nanoTime, LOG::warn);
  }

  /** @param log where each line goes */
  DeadLetterLog(LongSupplier nanoTime, Consumer<String> log) {
    this.nanoTime = nanoTime;
    this.log = log;
    this.windowStart = nanoTime.getAsLong();
  }

  @Override
  public void onDeadLetter(DeadLetter letter) {
    long now = nanoTime.getAsLong();
    if (now - windowStart >= 1_000_000_000L) {
      windowStart = now;
      inWindow = 0;
    }
    if (inWindow >= PER_SECOND) {
      leftOut++;
      return;
    }
    inWindow++;
    String more = leftOut == 0 ? "" : " (" + leftOut + " more dead letters not logged before it)";
    leftOut = 0;
    log.accept("dead letter: " + letter.getOriginalTopic() + "-" + letter.getOriginalPartition()
        + "@" + letter.getOriginalOffset() + " frame " + letter.getFrameId() + " camera "
        + letter.getCameraId() + ": " + letter.getStage() + " " + letter.getReasonCode() + ": "
        + letter.getReason() + more);
  }
}
