package io.clipline.worker.internal;

import io.clipline.schemas.ScorerSnapshot;
import io.clipline.schemas.serde.AvroSerde;
import io.clipline.worker.FrameResult;
import io.clipline.worker.FrameScorer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the scorer's per-scope memory on the compacted scorer-state topic. Restore: whenever
 * frame partitions were assigned, the topic is read to its end ({@link ScorerStateReader})
 * before the next batch is judged, and a scope is restored ({@link FrameScorer#restoreScope})
 * before its first frame from the newest complete snapshot of the same model and scorer, unless
 * this worker has already seen as many frames of the scope. Snapshots: every {@code
 * scorer.state.interval.ms} or {@code scorer.state.interval.frames} scored frames, whichever
 * comes first, before partitions are revoked and on shutdown, the scopes scored
 * since their last snapshot ({@link FrameScorer#snapshotScopes}) are sent, chunked, in the open
 * transaction, so a snapshot commits exactly with the offsets of the frames it reflects. So a
 * hard kill loses at most the memory of that interval: a scope resumes from a snapshot at most
 * {@code scorer.state.interval.ms} and {@code scorer.state.interval.frames} frames behind (plus
 * the frames of the one transaction that was open).
 *
 * <p>{@link #assigned} is called on the consumer thread; everything else on the scoring thread.
 */
public final class ScorerStateKeeper {
  private static final Logger LOG = LoggerFactory.getLogger(ScorerStateKeeper.class);
  /** Longest the scorer-state topic is read after an assignment. */
  private static final Duration STATE_READ_TIMEOUT = Duration.ofSeconds(60);

  private final Serializer<ScorerSnapshot> snapshotSerde = AvroSerde.of(ScorerSnapshot.class);
  private final FrameScorer<?> scorer;
  private final ScorerStateReader reader;
  private final String topic;
  private final String workerId;
  /** 0: never write snapshots. */
  private final long intervalMs;
  /** 0: snapshots by time only. */
  private final long intervalFrames;
  private final BooleanSupplier running;
  /** Counts assignments of frame partitions; the topic is read anew when it moved. */
  private final AtomicLong assignments = new AtomicLong();
  // Touched only by the scoring thread.
  /** The assignment count the topic was last read for. */
  private long readFor;
  /** Partitions of the topic as last read; 0 when it does not exist (nothing is written). */
  private int partitions;
  /** Restorable snapshots read from the topic, by scope, until the scope's next frame. */
  private Map<String, ScorerSnapshots.Restorable> pendingRestores = new HashMap<>();
  /** Frames each scope has seen, as of its last scored frame or restored snapshot. */
  private final Map<String, Long> framesSeen = new HashMap<>();
  /** Scopes scored since their last snapshot. */
  private final Set<String> scoredSinceSnapshot = new HashSet<>();
  private long lastSnapshotNanos = System.nanoTime();
  private long framesSinceSnapshot;

  /**
   * @param intervalMs {@code scorer.state.interval.ms}; 0 writes no snapshots at all
   * @param intervalFrames {@code scorer.state.interval.frames}; 0 snapshots by time only
   * @param running whether the worker still runs; reading the topic stops early when it does not
   */
  public ScorerStateKeeper(FrameScorer<?> scorer, ScorerStateReader reader, String topic,
      String workerId, long intervalMs, long intervalFrames, BooleanSupplier running) {
    this.scorer = scorer;
    this.reader = reader;
    this.topic = topic;
    this.workerId = workerId;
    this.intervalMs = intervalMs;
    this.intervalFrames = intervalFrames;
    this.running = running;
  }

  /** Consumer thread: frame partitions were assigned; read the topic before the next batch. */
  public void assigned() {
    assignments.incrementAndGet();
  }

  /**
   * Scoring thread, before judging {@code frames}: after an assignment, reads the topic anew;
   * then restores each scope of {@code frames} that has a snapshot of more frames than this
   * worker has seen of it.
   */
  public void restoreBefore(List<StagedBatch.Ready> frames) {
    long assigned = assignments.get();
    if (assigned != readFor) {
      readFor = assigned;
      read();
    }
    if (pendingRestores.isEmpty()) {
      return;
    }
    for (StagedBatch.Ready frame : frames) {
      String scope = scorer.scopeOf(frame.frame());
      ScorerSnapshots.Restorable snapshot = pendingRestores.remove(scope);
      if (snapshot == null || snapshot.origin().framesSeen() <= framesSeen.getOrDefault(scope, 0L)) {
        continue;
      }
      try {
        scorer.restoreScope(scope, snapshot.payload());
        framesSeen.put(scope, snapshot.origin().framesSeen());
        LOG.info("scope {} restored from snapshot {} of worker {} ({} frames seen, taken {})", scope,
            snapshot.origin().snapshotId(), snapshot.origin().workerId(),
            snapshot.origin().framesSeen(), snapshot.origin().createdTime());
      } catch (RuntimeException e) {
        LOG.warn("scope {} starts cold: snapshot {} cannot be restored: {}", scope,
            snapshot.origin().snapshotId(), e.toString());
      }
    }
  }

  /** Scoring thread: a frame was scored; its scope is due a snapshot. */
  public void scored(FrameResult result) {
    framesSeen.put(result.scope(), result.scopeFramesSeen());
    scoredSinceSnapshot.add(result.scope());
    framesSinceSnapshot++;
  }

  /**
   * Whether {@code scorer.state.interval.ms} has passed, or {@code scorer.state.interval.frames}
   * frames were scored, since the last snapshot.
   */
  public boolean snapshotDue() {
    return intervalMs > 0
        && (System.nanoTime() - lastSnapshotNanos >= TimeUnit.MILLISECONDS.toNanos(intervalMs)
            || intervalFrames > 0 && framesSinceSnapshot >= intervalFrames);
  }

  /**
   * Scoring thread: sends the state of the scopes scored since their last snapshot, chunked,
   * through {@code writer} in its open transaction (opening one if needed). Each chunk goes to
   * the partition of its scope, so a snapshot lies in one partition. A scorer that cannot
   * snapshot is logged and asked again next time.
   */
  public void publishSnapshots(TransactionalWriter writer) {
    lastSnapshotNanos = System.nanoTime();
    framesSinceSnapshot = 0;
    if (intervalMs == 0 || partitions == 0 || scoredSinceSnapshot.isEmpty()) {
      return;
    }
    Map<String, byte[]> states;
    try {
      states = scorer.snapshotScopes(List.copyOf(scoredSinceSnapshot));
    } catch (RuntimeException e) {
      LOG.warn("cannot snapshot scopes {} (will retry): {}", scoredSinceSnapshot, e.toString());
      return;
    }
    scoredSinceSnapshot.clear();
    Instant now = Instant.now();
    for (Map.Entry<String, byte[]> state : states.entrySet()) {
      String scope = state.getKey();
      ScorerSnapshots.Origin origin = new ScorerSnapshots.Origin(UUID.randomUUID().toString(),
          scorer.modelVersion(), scorer.scorerVersion(), framesSeen.getOrDefault(scope, 0L),
          workerId, now);
      int partition = Utils.toPositive(Utils.murmur2(scope.getBytes(StandardCharsets.UTF_8)))
          % partitions;
      for (ScorerSnapshot chunk : ScorerSnapshots.split(
          scope, state.getValue(), origin, ScorerSnapshots.CHUNK_BYTES)) {
        writer.send(new ProducerRecord<>(topic, partition,
            ScorerSnapshots.key(chunk).getBytes(StandardCharsets.UTF_8),
            snapshotSerde.serialize(null, chunk)));
      }
      LOG.debug("snapshot {} of scope {} ({} bytes, {} frames seen) sent", origin.snapshotId(),
          scope, state.getValue().length, origin.framesSeen());
    }
  }

  /** Reads the topic to its end; a failure leaves scopes to start cold. */
  private void read() {
    long start = System.nanoTime();
    try {
      ScorerStateReader.Loaded loaded = reader.read(
          scorer.modelVersion(), scorer.scorerVersion(), STATE_READ_TIMEOUT, running);
      partitions = loaded.partitions();
      pendingRestores = new HashMap<>(loaded.snapshots());
      if (partitions == 0) {
        LOG.warn("scorer-state topic {} does not exist: scopes start cold and no snapshots are"
            + " written", topic);
      } else {
        LOG.info("read {} restorable scope snapshots from {} in {} ms; each is restored before"
            + " its scope's next frame", pendingRestores.size(), topic,
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
      }
    } catch (KafkaException e) {
      pendingRestores = new HashMap<>();
      LOG.warn("cannot read scorer-state topic {}: scopes start cold: {}", topic, e.toString());
    }
  }
}
