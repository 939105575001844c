package io.clipline.worker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clipline.schemas.FrameVerdict;
import io.clipline.worker.WorkerException;
import io.clipline.worker.WorkerListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class TransactionalWriterTest {
  private final TopicPartition p0 = new TopicPartition(TestBatches.TOPIC, 0);
  private final MockProducer<byte[], byte[]> producer =
      new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
  private final InFlightFrames frames = new InFlightFrames(8, 0);
  private final ConsumerTasks tasks = new ConsumerTasks();
  private final List<String> events = new ArrayList<>();
  private final WorkerListener listener = new WorkerListener() {
    @Override
    public void beforeCommit() {
      events.add("beforeCommit");
    }

    @Override
    public void onVerdict(FrameVerdict verdict) {
      events.add("verdict");
    }
  };
  private final TransactionalWriter writer = new TransactionalWriter(producer, true, "w", frames,
      tasks, () -> new ConsumerGroupMetadata("g"), listener, () -> true);

  private List<PolledFrame> batch(long... offsets) throws Exception {
    for (long offset : offsets) {
      frames.add(TestBatches.polled("f-" + offset, 0, offset));
    }
    return frames.nextBatch(0);
  }

  private static OutputRecords.BatchRecords records(int verdicts) {
    List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
    List<FrameVerdict> list = new ArrayList<>();
    for (int i = 0; i < verdicts; i++) {
      out.add(new ProducerRecord<>("verdicts", new byte[] {1}));
      list.add(new FrameVerdict());
    }
    return new OutputRecords.BatchRecords(out, list, List.of());
  }

  @Test
  void shouldCommitTheRecordsOfSeveralBatchesWithTheirOffsetsInOneTransaction() throws Exception {
    producer.initTransactions();
    writer.write(batch(0, 1), records(2));
    writer.write(batch(2), records(1));
    assertTrue(writer.isOpen());
    writer.commit();

    assertFalse(writer.isOpen());
    assertTrue(producer.transactionCommitted());
    assertEquals(List.of(Map.of("g", Map.of(p0, new OffsetAndMetadata(3)))),
        producer.consumerGroupOffsetsHistory());
    assertEquals(List.of("beforeCommit", "verdict", "verdict", "verdict"), events);
    assertEquals(0, frames.count());
  }

  @Test
  void shouldAbortAndRewindToTheFirstOffsetWhenTheCommitFails() throws Exception {
    producer.initTransactions();
    producer.commitTransactionException = new KafkaException("broker said no");
    writer.write(batch(5, 6), records(2));
    frames.add(TestBatches.polled("f-7", 0, 7)); // polled after, still waiting
    writer.commit();

    assertTrue(producer.transactionAborted());
    assertEquals(List.of("beforeCommit"), events, "no verdict is reported for an aborted batch");
    MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    consumer.assign(List.of(p0));
    tasks.runAll(consumer);
    assertEquals(5, consumer.position(p0));
    assertEquals(0, frames.count(), "the waiting frame is dropped to be polled again");
  }

  @Test
  void shouldStopTheWorkerWhenTheProducerIsFenced() throws Exception {
    producer.initTransactions();
    producer.commitTransactionException = new ProducerFencedException("another worker");
    writer.write(batch(0), records(1));

    assertThrows(WorkerException.class, writer::commit);
  }

  @Test
  void shouldCommitOffsetsOnTheConsumerThreadAfterAFlushWithoutExactlyOnce() throws Exception {
    TransactionalWriter atLeastOnce = new TransactionalWriter(producer, false, "w", frames, tasks,
        () -> null, listener, () -> true);
    atLeastOnce.write(batch(0, 1), records(2));
    atLeastOnce.commit();

    assertEquals(2, producer.history().size());
    assertEquals(0, frames.count());
    MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    consumer.assign(List.of(p0));
    tasks.runAll(consumer);
    assertEquals(Map.of(p0, new OffsetAndMetadata(2)), consumer.committed(java.util.Set.of(p0)));
  }

  @Test
  void shouldAbortRatherThanCommitATransactionHoldingFramesOfALostPartition() throws Exception {
    producer.initTransactions();
    writer.write(batch(0, 1), records(2));
    frames.lose(List.of(p0)); // the consumer thread lost the partition meanwhile

    writer.commit();

    assertTrue(producer.transactionAborted());
    assertTrue(producer.consumerGroupOffsetsHistory().isEmpty(), "no offset commit at all");
    assertEquals(List.of(), events, "no verdict is reported");
    assertEquals(0, frames.count());
  }

  @Test
  void shouldFenceTheRewoundPartitionAtOnceAndLiftTheFenceAfterTheSeek() throws Exception {
    producer.initTransactions();
    producer.commitTransactionException = new KafkaException("broker said no");
    writer.write(batch(5, 6), records(2));
    writer.commit();

    assertFalse(frames.add(TestBatches.polled("f-7", 0, 7)), "fetched before the seek");
    MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    consumer.assign(List.of(p0));
    tasks.runAll(consumer);
    assertTrue(frames.add(TestBatches.polled("f-5", 0, 5)), "consumed again after the seek");
  }

  @Test
  void shouldRewindAPartitionLostSinceTheFenceToItsCommittedOffset() throws Exception {
    producer.initTransactions();
    producer.commitTransactionException = new KafkaException("broker said no");
    writer.write(batch(5, 6), records(2));
    writer.commit();
    frames.lose(List.of(p0)); // lost and assigned again before the consumer ran the rewind
    MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    consumer.assign(List.of(p0));
    consumer.commitSync(Map.of(p0, new OffsetAndMetadata(3)));
    consumer.seek(p0, 9); // past frames refused while fenced

    tasks.runAll(consumer);

    assertEquals(3, consumer.position(p0), "from the committed offset, the refused frames again");
    assertTrue(frames.add(TestBatches.polled("f-3", 0, 3)));
  }
}
