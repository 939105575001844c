package io.clipline.worker.internal;

import io.clipline.schemas.DeadLetter;
import io.clipline.schemas.FrameVerdict;
import io.clipline.worker.WorkerException;
import io.clipline.worker.WorkerListener;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes on the {@value WorkerThreads#SCORING} thread: one open transaction at a time that spans
 * batches (and scorer snapshots) until the scoring loop commits it; the consumed offsets commit
 * with what was written, atomically with {@code exactly.once}, else after a flush. On an
 * abortable error (a fenced offset commit after the group moved on, a broker error) it aborts
 * and {@linkplain #rewind rewinds}: at once, on this thread, the transaction's partitions are
 * fenced in {@link InFlightFrames} (their waiting frames dropped, frames in batches stale, newly
 * polled ones refused), and the consumer thread seeks back to the transaction's first offsets
 * and lifts the fence, so nothing past the rewind point is judged before it is consumed again.
 * A transaction holding a stale frame (its partition lost) is aborted rather than committed. A
 * fenced or unauthorised producer stops the worker ({@link WorkerException}); a commit that
 * times out is retried while the worker runs, so a broker outage stalls rather than crashes.
 *
 * <p>The group metadata of the offset commit is the frame consumer's as of its latest poll or
 * rebalance callback, read at the commit: at least as new as the poll of every frame committed,
 * whose partitions this member has owned since (else the frame would be stale). If the group
 * moved on after that, the broker fences the commit and the transaction is rewound, as above.
 *
 * <p>Committed verdicts and dead letters go to the {@link WorkerListener}; committed and aborted
 * frames leave {@link InFlightFrames}. Not thread-safe: the scoring thread calls every method.
 */
public final class TransactionalWriter {
  private static final Logger LOG = LoggerFactory.getLogger(TransactionalWriter.class);

  private final Producer<byte[], byte[]> producer;
  private final boolean exactlyOnce;
  private final String workerId;
  private final InFlightFrames inFlight;
  private final ConsumerTasks consumerTasks;
  private final Supplier<ConsumerGroupMetadata> groupMetadata;
  private final WorkerListener listener;
  private final BooleanSupplier running;
  private Transaction open;

  /**
   * @param producer the worker's producer, {@code initTransactions} done with exactly-once
   * @param groupMetadata the frame consumer's group as of its last poll
   * @param running whether the worker still runs (a timed-out commit is retried only then)
   */
  public TransactionalWriter(Producer<byte[], byte[]> producer, boolean exactlyOnce,
      String workerId, InFlightFrames inFlight, ConsumerTasks consumerTasks,
      Supplier<ConsumerGroupMetadata> groupMetadata, WorkerListener listener,
      BooleanSupplier running) {
    this.producer = producer;
    this.exactlyOnce = exactlyOnce;
    this.workerId = workerId;
    this.inFlight = inFlight;
    this.consumerTasks = consumerTasks;
    this.groupMetadata = groupMetadata;
    this.listener = listener;
    this.running = running;
  }

  /** Whether a transaction is open. */
  public boolean isOpen() {
    return open != null;
  }

  /** How long the open transaction has been open; 0 when none is. */
  public long openMillis() {
    return open == null ? 0 : open.ageMillis();
  }

  /**
   * Sends the records of {@code batch} in the open transaction (opening one if needed) and adds
   * the batch's offsets to it.
   */
  public void write(List<PolledFrame> batch, OutputRecords.BatchRecords records) {
    openIfNeeded();
    records.records().forEach(producer::send);
    open.add(batch, records);
  }

  /** Sends one record in the open transaction (opening one if needed), offsets unchanged. */
  public void send(ProducerRecord<byte[], byte[]> record) {
    openIfNeeded();
    producer.send(record);
  }

  /**
   * Commits the open transaction: the records sent and the offsets of the frames they came
   * from. On an abortable error aborts and rewinds instead. Does nothing when none is open.
   *
   * @throws WorkerException when the producer can no longer write
   */
  public void commit() {
    Transaction txn = open;
    if (txn == null) {
      return;
    }
    open = null;
    if (!exactlyOnce) {
      producer.flush();
      listener.beforeCommit();
      Map<TopicPartition, OffsetAndMetadata> offsets = txn.offsets;
      consumerTasks.submit(c -> c.commitAsync(offsets, (o, e) -> {
        if (e != null) {
          LOG.warn("offset commit failed (frames will be re-scored after a restart): {}", e.toString());
        }
      }));
      committed(txn);
      return;
    }
    if (!inFlight.isCurrent(txn.polled)) {
      abort(txn, "it holds frames of a partition lost meanwhile");
      return;
    }
    try {
      if (!txn.offsets.isEmpty()) { // a transaction may hold snapshots only
        producer.sendOffsetsToTransaction(txn.offsets, groupMetadata.get());
      }
      listener.beforeCommit();
      commitWithRetry();
      committed(txn);
    } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException e) {
      throw new WorkerException("producer can no longer write (another worker with worker.id '"
          + workerId + "' took over?): " + e.getMessage(), e);
    } catch (KafkaException e) {
      abort(txn, e.toString());
    }
  }

  /**
   * Has {@code firstOffsets}' partitions consumed again from those offsets: fences them in
   * {@link InFlightFrames} now, and has the consumer thread seek back and lift the fence.
   */
  public void rewind(Map<TopicPartition, Long> firstOffsets) {
    if (firstOffsets.isEmpty()) {
      return;
    }
    Map<TopicPartition, Long> to = Map.copyOf(firstOffsets);
    Map<TopicPartition, Long> fencedAt = inFlight.fence(to.keySet());
    consumerTasks.submit(c -> seek(c, to, fencedAt));
  }

  private void abort(Transaction txn, String why) {
    LOG.warn("transaction of {} frames aborted, they will be consumed again: {}", txn.frames, why);
    producer.abortTransaction();
    inFlight.done(txn.frames);
    rewind(txn.firstOffsets);
  }

  private void openIfNeeded() {
    if (open == null) {
      open = new Transaction();
      if (exactlyOnce) {
        producer.beginTransaction();
      }
    }
  }

  private void commitWithRetry() {
    while (true) {
      try {
        producer.commitTransaction();
        return;
      } catch (TimeoutException e) {
        if (!running.getAsBoolean()) {
          throw e;
        }
        // A broker outage: the commit can be retried; the worker stalls rather than crashes.
        LOG.warn("commit timed out, retrying: {}", e.getMessage());
      }
    }
  }

  private void committed(Transaction txn) {
    inFlight.results().committed(txn.polled);
    inFlight.done(txn.frames);
    txn.verdicts.forEach(listener::onVerdict);
    txn.letters.forEach(listener::onDeadLetter);
  }

  /**
   * Consumer thread: re-read the rewound frames and everything after them, then lift the fence.
   * A partition lost (and assigned again) since the fence goes back to its committed offset
   * instead: frames polled from there while it was fenced were refused.
   */
  private void seek(Consumer<byte[], byte[]> c, Map<TopicPartition, Long> firstOffsets,
      Map<TopicPartition, Long> fencedAt) {
    firstOffsets.forEach((tp, offset) -> {
      if (!c.assignment().contains(tp)) {
        return;
      }
      if (inFlight.epoch(tp) == fencedAt.get(tp)) {
        c.seek(tp, offset);
      } else {
        OffsetAndMetadata committed = c.committed(Set.of(tp)).get(tp);
        if (committed == null) {
          c.seekToBeginning(Set.of(tp)); // nothing committed: auto.offset.reset is earliest
        } else {
          c.seek(tp, committed.offset());
        }
      }
    });
    inFlight.rewound(firstOffsets.keySet());
  }

  /** What one transaction holds; it spans batches until the scoring loop commits it. */
  private static final class Transaction {
    final long openedNanos = System.nanoTime();
    final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    final Map<TopicPartition, Long> firstOffsets = new HashMap<>();
    final List<FrameVerdict> verdicts = new ArrayList<>();
    final List<DeadLetter> letters = new ArrayList<>();
    final List<PolledFrame> polled = new ArrayList<>();
    int frames;

    void add(List<PolledFrame> batch, OutputRecords.BatchRecords records) {
      for (PolledFrame p : batch) {
        TopicPartition tp = p.partition();
        offsets.merge(tp, new OffsetAndMetadata(p.record().offset() + 1),
            (a, b) -> a.offset() >= b.offset() ? a : b);
        firstOffsets.merge(tp, p.record().offset(), Math::min);
      }
      frames += batch.size();
      polled.addAll(batch);
      verdicts.addAll(records.verdicts());
      letters.addAll(records.letters());
    }

    long ageMillis() {
      return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - openedNanos);
    }
  }
}
