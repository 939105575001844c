package io.clipline.worker.internal;

import io.clipline.schemas.OperatorLabel;
import io.clipline.worker.WorkerConfig;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop of the {@value WorkerThreads#CONSUMER} thread, the only one that touches the frame
 * consumer and the label feed: polls frames and hands each to the decode pool and {@link
 * InFlightFrames} at once; polls labels into the {@link LabelInbox}; runs the {@link
 * ConsumerTasks} other threads handed in; and keeps polling while batches are scored, pausing
 * its partitions (without leaving the group) while {@code inflight.max.frames} frames are in
 * flight and resuming at half that. Rebalances go to a {@link FramePartitionsListener}.
 */
public final class ConsumerLoop {
  private static final Logger LOG = LoggerFactory.getLogger(ConsumerLoop.class);
  private static final Duration POLL = Duration.ofMillis(100);

  /** Where the frame consumer stands in its group: what readiness is decided on. */
  public enum Membership {
    /** Not (or no longer) a member of the group: not ready. */
    JOINING,
    /** A member holding frame partitions: ready. */
    ACTIVE,
    /**
     * A member the group gave no partitions: ready, as an idle standby that takes over when
     * another worker leaves. Either there are more workers than partitions, or a cooperative
     * rebalance is still moving partitions to it (the first generation after a join revokes
     * them from the others, the next assigns them), which ends it soon.
     */
    STANDBY;

    /** The membership of a consumer holding {@code partitions} in group generation {@code generation}. */
    public static Membership of(int partitions, int generation) {
      return partitions > 0 ? ACTIVE : generation > 0 ? STANDBY : JOINING;
    }
  }

  private final WorkerConfig config;
  private final ClientConfigs clients;
  private final FrameIntake intake;
  private final ExecutorService decodePool;
  private final InFlightFrames frames;
  private final ConsumerTasks tasks;
  private final LabelInbox labels;
  private final ScoringPassLock pass;
  private final Runnable onAssigned;
  private final Consumer<KafkaConsumer<byte[], byte[]>> onCreated;
  private final BooleanSupplier running;
  private volatile KafkaConsumer<byte[], byte[]> consumer;
  private volatile ConsumerGroupMetadata groupMetadata;
  private volatile Membership membership = Membership.JOINING;

  /**
   * @param decodePool where frames are decoded as soon as they are polled
   * @param onAssigned called when frame partitions were assigned
   * @param onCreated called with the frame consumer once, before the first poll
   * @param running the loop ends when this turns false (and the consumer is woken up)
   */
  public ConsumerLoop(WorkerConfig config, ClientConfigs clients, FrameIntake intake,
      ExecutorService decodePool, InFlightFrames frames, ConsumerTasks tasks, LabelInbox labels,
      ScoringPassLock pass, Runnable onAssigned, Consumer<KafkaConsumer<byte[], byte[]>> onCreated,
      BooleanSupplier running) {
    this.config = config;
    this.clients = clients;
    this.intake = intake;
    this.decodePool = decodePool;
    this.frames = frames;
    this.tasks = tasks;
    this.labels = labels;
    this.pass = pass;
    this.onAssigned = onAssigned;
    this.onCreated = onCreated;
    this.running = running;
  }

  /**
   * Runs until {@code running} turns false; closes the consumers on the way out, which revokes
   * (and drops) the frame partitions. Stopped so, the frame consumer leaves its group at once
   * (static member or not); ended by a failure, it stays a member until its session times out.
   *
   * @throws RuntimeException what ended the loop while the worker was still running
   */
  public void run() {
    String topic = config.getString(WorkerConfig.FRAMES_TOPIC);
    int maxInFlight = config.getInt(WorkerConfig.INFLIGHT_MAX_FRAMES);
    Set<TopicPartition> paused = new HashSet<>();
    // The feed closes after the frame consumer, whose closing revokes (and drops) its partitions.
    try (LabelFeed feed = config.getBoolean(WorkerConfig.LABELS_ENABLED)
            ? new LabelFeed(config.getString(WorkerConfig.LABELS_TOPIC), clients.labelConsumer(),
                labels, config.serdeSettings().serdeFor(OperatorLabel.class).deserializer())
            : null) {
      KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(
          clients.frameConsumer(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
      boolean stopped = false;
      try {
        consumer = c;
        onCreated.accept(c);
        c.subscribe(List.of(topic),
            new FramePartitionsListener(frames, pass, tasks, () -> consumer, paused, feed, onAssigned,
                () -> groupMetadata = c.groupMetadata()));
        while (running.getAsBoolean()) {
          poll(c, paused, maxInFlight, feed);
        }
        stopped = true;
      } catch (WakeupException e) {
        if (running.getAsBoolean()) {
          throw e;
        }
        stopped = true;
      } finally {
        try {
          // A deliberate stop leaves the group at once, static member or not, so the others take
          // the partitions over now instead of after consumer.session.timeout.ms; a failure stays
          // a member, so that a restart with the same worker.id takes them back without a
          // rebalance.
          c.close(CloseOptions.groupMembershipOperation(stopped
              ? CloseOptions.GroupMembershipOperation.LEAVE_GROUP
              : CloseOptions.GroupMembershipOperation.DEFAULT));
        } finally {
          consumer = null;
          membership = Membership.JOINING;
        }
      }
    }
  }

  /** One poll: hands the frames on, runs the scoring thread's tasks, applies backpressure. */
  private void poll(KafkaConsumer<byte[], byte[]> c, Set<TopicPartition> paused, int maxInFlight,
      LabelFeed feed) {
    ConsumerRecords<byte[], byte[]> polled = c.poll(POLL);
    // Before the frames are handed on: the scoring thread commits them with this generation.
    groupMetadata = c.groupMetadata();
    updateMembership(c);
    for (ConsumerRecord<byte[], byte[]> record : polled) {
      Future<FrameIntake.Prepared> prepared = decodePool.submit(() -> intake.prepare(record.value()));
      // Refused while its partition is fenced for a rewind: it comes again after the seek.
      frames.add(new PolledFrame(record, prepared, System.nanoTime(), System.currentTimeMillis()));
    }
    if (feed != null) {
      feed.poll();
    }
    tasks.runAll(c);
    // Backpressure: stop fetching while too much is in flight, without leaving the group.
    if (frames.count() >= maxInFlight && paused.isEmpty()) {
      paused.addAll(c.assignment());
      c.pause(paused);
    } else if (frames.count() <= maxInFlight / 2 && !paused.isEmpty()) {
      paused.retainAll(c.assignment());
      c.resume(paused);
      paused.clear();
    }
  }

  private void updateMembership(KafkaConsumer<byte[], byte[]> c) {
    Membership now = Membership.of(c.assignment().size(), groupMetadata.generationId());
    if (now != membership) {
      if (now == Membership.STANDBY) {
        LOG.info("idle standby: group generation {} gave this worker no frame partitions (a"
            + " rebalance that is still moving partitions here, or more workers than"
            + " partitions); ready, it takes partitions over when the group assigns it some",
            groupMetadata.generationId());
      }
      membership = now;
    }
  }

  /** Any thread: where the frame consumer stands in its group, as of its last poll. */
  public Membership membership() {
    return membership;
  }

  /** Any thread: wakes the consumer from a poll, so the loop sees {@code running} turn false. */
  public void wakeup() {
    KafkaConsumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
  }

  /** The frame consumer's group as of its last poll or rebalance callback; null before. */
  public ConsumerGroupMetadata groupMetadata() {
    return groupMetadata;
  }
}
