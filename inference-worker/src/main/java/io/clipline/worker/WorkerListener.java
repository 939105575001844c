package io.clipline.worker;

import io.clipline.schemas.DeadLetter;
import io.clipline.schemas.FrameVerdict;

/**
 * Observes the worker: progress displays, metrics and tests hook in here. Methods are called on
 * the inference thread and must return quickly; the defaults do nothing.
 */
public interface WorkerListener {
  /** A batch was scored and its records handed to the producer, not yet committed. */
  default void onBatchWritten(int frames, long scoringNanos) {}

  /** The batch's verdicts, defects, dead letters and offsets are about to be committed. */
  default void beforeCommit() {}

  /** A verdict was committed. */
  default void onVerdict(FrameVerdict verdict) {}

  /** A dead letter was committed. */
  default void onDeadLetter(DeadLetter deadLetter) {}

  /** The worker changed state. */
  default void onStateChange(InferenceWorker.State from, InferenceWorker.State to) {}
}
