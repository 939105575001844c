package io.clipline.worker;

import io.clipline.schemas.DeadLetter;
import io.clipline.schemas.FrameVerdict;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * Observes the worker: progress displays, metrics and tests hook in here. Methods are called on
 * the scoring thread ({@code clipline-scoring}) unless they say otherwise and must return
 * quickly; the defaults do nothing.
 */
public interface WorkerListener {
  /**
   * The worker created its Kafka clients (for client-metric binders); called once on the
   * consumer thread before the first poll. The listener must not use the clients.
   */
  default void onClientsCreated(Consumer<?, ?> consumer, Producer<?, ?> producer) {}

  /** A batch was scored and its records handed to the producer, not yet committed. */
  default void onBatchWritten(int frames, long scoringNanos) {}

  /** The batch's verdicts, defects, dead letters and offsets are about to be committed. */
  default void beforeCommit() {}

  /** A verdict was committed. */
  default void onVerdict(FrameVerdict verdict) {}

  /** A dead letter was committed. */
  default void onDeadLetter(DeadLetter deadLetter) {}

  /** The worker changed state; called on the thread that changed it. */
  default void onStateChange(InferenceWorker.State from, InferenceWorker.State to) {}

  /** One listener that calls each of {@code listeners} in order. */
  static WorkerListener all(List<WorkerListener> listeners) {
    List<WorkerListener> copy = List.copyOf(listeners);
    return new WorkerListener() {
      @Override
      public void onClientsCreated(Consumer<?, ?> consumer, Producer<?, ?> producer) {
        copy.forEach(l -> l.onClientsCreated(consumer, producer));
      }

      @Override
      public void onBatchWritten(int frames, long scoringNanos) {
        copy.forEach(l -> l.onBatchWritten(frames, scoringNanos));
      }

      @Override
      public void beforeCommit() {
        copy.forEach(WorkerListener::beforeCommit);
      }

      @Override
      public void onVerdict(FrameVerdict verdict) {
        copy.forEach(l -> l.onVerdict(verdict));
      }

      @Override
      public void onDeadLetter(DeadLetter deadLetter) {
        copy.forEach(l -> l.onDeadLetter(deadLetter));
      }

      @Override
      public void onStateChange(InferenceWorker.State from, InferenceWorker.State to) {
        copy.forEach(l -> l.onStateChange(from, to));
      }
    };
  }
}
