package io.clipline.faults;

import io.clipline.schemas.DeadLetter;
import io.clipline.schemas.FrameVerdict;
import io.clipline.schemas.serde.AvroSerde;
import io.clipline.schemas.topic.TopicCatalog;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Follows the verdicts and dead letters the workers commit (read_committed, from the start, no
 * group) on a thread of its own and notes when each arrived, for the recovery times; the audit
 * itself is {@code clipline audit}. Across a broker outage it simply keeps polling.
 */
final class OutputTail implements AutoCloseable {
  private static final AvroSerde<FrameVerdict> VERDICTS = AvroSerde.of(FrameVerdict.class);
  private static final AvroSerde<DeadLetter> LETTERS = AvroSerde.of(DeadLetter.class);

  /** One committed verdict and when this tail read it. */
  record Arrival(String cameraId, String workerId, Instant captureTime, Instant verdictTime,
      Instant arrived) {}

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String verdictsTopic;
  private final List<Arrival> verdicts = new ArrayList<>();
  private final List<DeadLetter> letters = new ArrayList<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;

  OutputTail(String bootstrapServers, String verdictsTopic, String dlqTopic) {
    this.verdictsTopic = verdictsTopic;
    this.consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, TopicCatalog.FRAMES_DLQ.maxMessageBytes(),
        ConsumerConfig.CLIENT_ID_CONFIG, "clipline-faults-tail"),
        new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : List.of(verdictsTopic, dlqTopic)) {
      consumer.partitionsFor(topic, Duration.ofSeconds(30))
          .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    this.thread = new Thread(this::run, "clipline-faults-tail");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    try {
      while (running.get()) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          Instant now = Instant.now();
          synchronized (this) {
            if (r.topic().equals(verdictsTopic)) {
              FrameVerdict v = VERDICTS.decode(r.value());
              verdicts.add(new Arrival(v.getCameraId(), v.getWorkerId(), v.getCaptureTime(),
                  v.getVerdictTime(), now));
            } else {
              letters.add(LETTERS.decode(r.value()));
            }
          }
        }
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  synchronized long outputs() {
    return verdicts.size() + letters.size();
  }

  synchronized long verdictCount() {
    return verdicts.size();
  }

  synchronized List<Arrival> verdicts() {
    return List.copyOf(verdicts);
  }

  synchronized List<DeadLetter> deadLetters() {
    return List.copyOf(letters);
  }

  /** Waits until at least {@code outputs} verdicts and dead letters arrived. */
  void awaitOutputs(long outputs, Duration timeout) {
    FaultClock.await(outputs + " committed outputs (have " + outputs() + ")", timeout,
        () -> outputs() >= outputs);
  }

  /** Waits until at least {@code count} verdicts arrived. */
  void awaitVerdicts(long count, Duration timeout) {
    FaultClock.await(count + " committed verdicts (have " + verdictCount() + ")", timeout,
        () -> verdictCount() >= count);
  }

  /** Waits until {@code count} committed verdicts were scored after {@code since}. */
  void awaitVerdictsScoredAfter(Instant since, long count, Duration timeout) {
    FaultClock.await(count + " committed verdicts scored after " + since, timeout,
        () -> verdictsScoredAfter(since) >= count);
  }

  private synchronized long verdictsScoredAfter(Instant since) {
    return verdicts.stream().filter(a -> a.verdictTime().isAfter(since)).count();
  }

  /** The worker id of the latest verdict. */
  synchronized String latestWorker() {
    return verdicts.get(verdicts.size() - 1).workerId();
  }

  @Override
  public void close() {
    running.set(false);
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
