package io.clipline.worker;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * A consumer interceptor that, while told to, holds each poll of one client for a while before
 * it returns: a consumer thread slow to come back from the poll in which a rebalance moved the
 * group's generation, so that the offset commits of the scoring thread meet the new generation
 * while the consumer has not yet handed its own metadata on.
 */
public final class SlowPollInterceptor implements ConsumerInterceptor<byte[], byte[]> {
  private static volatile String slowClient = "";
  private static volatile long slowUntilNanos;
  private static volatile long holdMillis;
  private String clientId;

  /** Holds every poll of {@code clientId} for {@code hold} ms during the next {@code forMs} ms. */
  static void slow(String clientId, long hold, long forMs) {
    holdMillis = hold;
    slowUntilNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(forMs);
    slowClient = clientId;
  }

  @Override
  public ConsumerRecords<byte[], byte[]> onConsume(ConsumerRecords<byte[], byte[]> records) {
    if (slowClient.equals(clientId) && System.nanoTime() < slowUntilNanos) {
      try {
        Thread.sleep(holdMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return records;
  }

  @Override
  public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {}

  @Override
  public void close() {}

  @Override
  public void configure(Map<String, ?> configs) {
    clientId = String.valueOf(configs.get("client.id"));
  }
}
