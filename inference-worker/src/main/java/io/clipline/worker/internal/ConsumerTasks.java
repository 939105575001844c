package io.clipline.worker.internal;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.clients.consumer.Consumer;

/**
 * Work other threads hand to the consumer thread, the only one that may touch the frame
 * consumer: offset commits without exactly-once, and seeks after an aborted transaction. The
 * consumer thread runs them after each poll and before it lets go of revoked partitions.
 * Thread-safe.
 */
public final class ConsumerTasks {
  private final Queue<java.util.function.Consumer<Consumer<byte[], byte[]>>> tasks =
      new ConcurrentLinkedQueue<>();

  /** Any thread: {@code task} runs on the consumer thread, after the tasks handed in before it. */
  public void submit(java.util.function.Consumer<Consumer<byte[], byte[]>> task) {
    tasks.add(task);
  }

  /** Consumer thread: runs every task handed in so far, in order. */
  public void runAll(Consumer<byte[], byte[]> consumer) {
    for (java.util.function.Consumer<Consumer<byte[], byte[]>> task; (task = tasks.poll()) != null; ) {
      task.accept(consumer);
    }
  }
}
