package io.clipline.worker;

import io.clipline.imaging.FrameDecoder;
import io.clipline.imaging.FrameLimits;
import io.clipline.schemas.DeadLetter;
import io.clipline.schemas.DefectEvent;
import io.clipline.schemas.FrameVerdict;
import io.clipline.schemas.OperatorLabel;
import io.clipline.schemas.ScorerSnapshot;
import io.clipline.schemas.StageLatencies;
import io.clipline.schemas.serde.AvroSerde;
import io.clipline.schemas.topic.TopicCatalog;
import io.clipline.worker.internal.ClaimCheckFetcher;
import io.clipline.worker.internal.DeadLetters;
import io.clipline.worker.internal.FrameBatcher;
import io.clipline.worker.internal.FrameIntake;
import io.clipline.worker.internal.FrameRejectedException;
import io.clipline.worker.internal.LabelFeed;
import io.clipline.worker.internal.ScorerSnapshots;
import io.clipline.worker.internal.ScorerStateReader;
import io.clipline.worker.internal.VerdictRecords;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inference worker: consumes camera frames, decodes and micro-batches them, scores each
 * batch and writes verdicts, defect events and dead letters, committing the consumed offsets
 * only together with (or, without exactly-once, after) what it wrote.
 *
 * <p>Three threads: the consumer thread owns the {@link KafkaConsumer} and keeps polling while a
 * batch is scored, pausing its partitions when too many frames are in flight; the scoring
 * thread takes batches, judges them and owns the transaction; the model thread runs the model
 * stage ({@link FrameScorer#infer}) of the next batch while the scoring thread judges the
 * current one, so model and scoring engine (GPU and CPU on a GPU machine) work at the same time.
 * Decoding runs on a small pool as soon as a frame is polled.
 *
 * <p>With {@code labels.enabled} the consumer thread also reads operator labels from the label
 * partitions numbered like its frame partitions (a second consumer, no group, from the end) and
 * queues them; the scoring thread hands them to {@link FrameScorer#applyLabel} between batches,
 * each {@code labelId} once.
 *
 * <p>The scoring thread also keeps the scorer's memory on the compacted scorer-state topic
 * ({@code scorer.state.topic}): every {@code scorer.state.interval.ms}, before partitions are
 * revoked and on shutdown it snapshots the scopes scored since the last snapshot ({@link
 * FrameScorer#snapshotScopes}) and sends them, chunked, in the open transaction, so a snapshot is
 * committed exactly with the offsets of the frames it reflects. Whenever partitions are assigned
 * it reads the topic to its end before scoring the next batch, and restores a scope ({@link
 * FrameScorer#restoreScope}) before its first frame from the newest complete snapshot of the same
 * model and scorer, unless this worker has already seen as many frames of the scope.
 *
 * <pre>{@code
 * try (InferenceWorker worker = new InferenceWorker(config, scorer, listener)) {
 *   worker.start();
 *   worker.awaitTermination();
 * }
 * }</pre>
 */
public final class InferenceWorker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(InferenceWorker.class);
  private static final Duration POLL = Duration.ofMillis(100);
  /** How many applied labelIds the scoring thread remembers to skip duplicates. */
  private static final int REMEMBERED_LABEL_IDS = 10_000;
  /** Longest the scoring thread reads the scorer-state topic after an assignment. */
  private static final Duration STATE_READ_TIMEOUT = Duration.ofSeconds(60);

  /** Lifecycle of a worker; each change is logged once. */
  public enum State {
    CREATED, RUNNING, STOPPING, STOPPED, FAILED;

    boolean mayBecome(State next) {
      switch (this) {
        case CREATED:
          return next == RUNNING || next == STOPPED || next == FAILED;
        case RUNNING:
          return next == STOPPING || next == FAILED;
        case STOPPING:
          return next == STOPPED || next == FAILED;
        default:
          return false;
      }
    }
  }

  /** A polled frame on its way through intake. */
  private record Pending(
      ConsumerRecord<byte[], byte[]> record,
      Future<FrameIntake.Prepared> prepared,
      long polledNanos,
      long polledMillis) {}

  private final WorkerConfig config;
  private final FrameScorer scorer;
  private final WorkerListener listener;
  private final FrameIntake intake;
  private final DeadLetters deadLetters;
  private final VerdictRecords records;
  private final FrameBatcher<Pending> batcher;
  private final ExecutorService decodePool;
  /** Runs {@link FrameScorer#infer}, one batch at a time, ahead of the scoring thread. */
  private final ExecutorService modelThread;
  private final Queue<Consumer<KafkaConsumer<byte[], byte[]>>> consumerTasks =
      new ConcurrentLinkedQueue<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  /** Labels read by the consumer thread, waiting for the scoring thread. */
  private final Queue<OperatorLabel> labels = new ConcurrentLinkedQueue<>();
  /** LabelIds already handed to the scorer, oldest first; only the scoring thread touches it. */
  private final Set<String> appliedLabelIds = Collections.newSetFromMap(
      new LinkedHashMap<String, Boolean>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > REMEMBERED_LABEL_IDS;
        }
      });
  private final AtomicLong duplicateLabels = new AtomicLong();
  private final AtomicLong failedLabels = new AtomicLong();
  /** Held by the inference thread around each batch; a revocation waits for it. */
  private final ReentrantLock batchLock = new ReentrantLock(true);
  private final AtomicReference<State> state = new AtomicReference<>(State.CREATED);
  private final CountDownLatch terminated = new CountDownLatch(2);
  private final boolean exactlyOnce;
  private final Serializer<FrameVerdict> verdictSerde = AvroSerde.of(FrameVerdict.class);
  private final Serializer<DefectEvent> defectSerde = AvroSerde.of(DefectEvent.class);
  private final Serializer<DeadLetter> deadLetterSerde = AvroSerde.of(DeadLetter.class);
  private final Serializer<ScorerSnapshot> snapshotSerde = AvroSerde.of(ScorerSnapshot.class);
  private final String stateTopic;
  /** 0: never write snapshots. */
  private final long stateIntervalMs;
  private final ScorerStateReader stateReader;
  /** Counts assignments of frame partitions; the scoring thread reads the state topic anew. */
  private final AtomicLong assignments = new AtomicLong();
  // Scorer state, touched only by the scoring thread.
  /** The assignment count the state topic was last read for. */
  private long stateReadFor;
  /** Partitions of the state topic as last read; 0 when it does not exist (nothing is written). */
  private int statePartitions;
  /** Restorable snapshots read from the state topic, by scope, until the scope's next frame. */
  private Map<String, ScorerSnapshots.Restorable> pendingRestores = new HashMap<>();
  /** Frames each scope has seen, as of its last scored frame or restored snapshot. */
  private final Map<String, Long> scopeFramesSeen = new HashMap<>();
  /** Scopes scored since their last snapshot. */
  private final Set<String> scoredSinceSnapshot = new HashSet<>();
  private long lastSnapshotNanos = System.nanoTime();

  private final long commitIntervalMs;
  /** Set by a revocation so the inference thread commits before it lets go of the lock. */
  private volatile boolean revocationPending;
  /** Only the inference thread touches it. */
  private OpenTransaction open;

  private volatile boolean running;
  private volatile ConsumerGroupMetadata groupMetadata;
  private volatile KafkaConsumer<byte[], byte[]> consumer;
  /** The consumer thread's label feed (kept after it closed, for its count); null when disabled. */
  private volatile LabelFeed labelFeed;
  private volatile Throwable failure;
  private KafkaProducer<byte[], byte[]> producer;

  public InferenceWorker(WorkerConfig config, FrameScorer scorer, WorkerListener listener) {
    this.config = config;
    this.scorer = scorer;
    this.listener = listener;
    this.exactlyOnce = config.getBoolean(WorkerConfig.EXACTLY_ONCE);
    this.commitIntervalMs = config.getInt(WorkerConfig.COMMIT_INTERVAL_MS);
    this.stateTopic = config.getString(WorkerConfig.SCORER_STATE_TOPIC);
    this.stateIntervalMs = config.getInt(WorkerConfig.SCORER_STATE_INTERVAL_MS);
    this.stateReader = new ScorerStateReader(stateTopic, stateConsumerConfig());
    String workerId = config.getString(WorkerConfig.WORKER_ID);
    FrameLimits limits = new FrameLimits(
        config.getInt(WorkerConfig.FRAME_MAX_BYTES), config.getLong(WorkerConfig.FRAME_MAX_PIXELS));
    this.intake = new FrameIntake(
        new FrameDecoder(limits),
        new ClaimCheckFetcher(Duration.ofMillis(config.getInt(WorkerConfig.CLAIMCHECK_TIMEOUT_MS)),
            config.getInt(WorkerConfig.CLAIMCHECK_MAX_BYTES)),
        config.getInt(WorkerConfig.FRAME_MAX_BYTES));
    this.deadLetters = new DeadLetters(workerId);
    this.records = new VerdictRecords(
        workerId, scorer.modelVersion(), scorer.scorerVersion(), scorer.executionProvider());
    this.batcher = new FrameBatcher<>(
        config.getInt(WorkerConfig.BATCH_MAX_FRAMES), config.getInt(WorkerConfig.BATCH_LINGER_MS));
    AtomicInteger decoderId = new AtomicInteger();
    this.decodePool = Executors.newFixedThreadPool(config.getInt(WorkerConfig.DECODE_THREADS), r -> {
      Thread t = new Thread(r, "clipline-decode-" + decoderId.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.modelThread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "clipline-model");
      t.setDaemon(true);
      return t;
    });
  }

  /** Connects to Kafka and starts consuming; returns at once. */
  public synchronized void start() {
    producer = new KafkaProducer<>(producerConfig(), new ByteArraySerializer(), new ByteArraySerializer());
    if (exactlyOnce) {
      producer.initTransactions();
    }
    running = true;
    transition(State.RUNNING);
    Thread consumerThread = new Thread(this::consumeLoop, "clipline-consumer");
    Thread inferenceThread = new Thread(this::inferenceLoop, "clipline-scoring");
    consumerThread.start();
    inferenceThread.start();
  }

  public State state() {
    return state.get();
  }

  /** Frames polled and not yet committed. */
  public int framesInFlight() {
    return inFlight.get();
  }

  /**
   * Label records that came to the given outcome so far; counts only the outcomes the worker
   * decides ({@link LabelOutcome#DUPLICATE}, {@link LabelOutcome#UNDECODABLE}, {@link
   * LabelOutcome#FAILED}), 0 for the scorer's.
   */
  public long labels(LabelOutcome outcome) {
    switch (outcome) {
      case DUPLICATE:
        return duplicateLabels.get();
      case FAILED:
        return failedLabels.get();
      case UNDECODABLE:
        LabelFeed feed = labelFeed;
        return feed == null ? 0 : feed.undecodable();
      default:
        return 0;
    }
  }

  /** Blocks until both worker threads have ended; rethrows what made the worker fail. */
  public void awaitTermination() throws InterruptedException {
    terminated.await();
    if (failure != null) {
      throw new WorkerException("worker failed: " + failure.getMessage(), failure);
    }
  }

  /**
   * Stops consuming, lets the batch being scored finish and commit, and closes the clients.
   * Frames polled but not in that batch stay uncommitted and are consumed again later.
   */
  @Override
  public void close() {
    if (state.get() == State.CREATED) {
      transition(State.STOPPED);
      decodePool.shutdownNow();
      modelThread.shutdownNow();
      return;
    }
    if (state.get() == State.RUNNING) {
      transition(State.STOPPING);
    }
    running = false;
    KafkaConsumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    try {
      terminated.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // The threads are done with the producer; decoders may still run for dropped frames.
    synchronized (this) {
      if (producer != null) {
        producer.close(Duration.ofSeconds(10));
        producer = null;
      }
    }
    decodePool.shutdownNow();
    modelThread.shutdownNow();
    if (state.get() == State.STOPPING) {
      transition(State.STOPPED);
    }
  }

  // ---------------------------------------------------------------- consumer thread

  private void consumeLoop() {
    String topic = config.getString(WorkerConfig.FRAMES_TOPIC);
    int maxInFlight = config.getInt(WorkerConfig.INFLIGHT_MAX_FRAMES);
    Set<TopicPartition> paused = new HashSet<>();
    // The feed closes after the frame consumer, whose closing revokes (and drops) its partitions.
    try (LabelFeed feed = config.getBoolean(WorkerConfig.LABELS_ENABLED)
            ? new LabelFeed(config.getString(WorkerConfig.LABELS_TOPIC), labelConsumerConfig(), labels::add)
            : null;
        KafkaConsumer<byte[], byte[]> c =
            new KafkaConsumer<>(consumerConfig(), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer = c;
      labelFeed = feed;
      listener.onClientsCreated(c, producer);
      c.subscribe(List.of(topic), new Revocation(paused, feed));
      while (running) {
        for (ConsumerRecord<byte[], byte[]> record : c.poll(POLL)) {
          inFlight.incrementAndGet();
          Future<FrameIntake.Prepared> prepared = decodePool.submit(() -> intake.prepare(record.value()));
          batcher.add(new Pending(record, prepared, System.nanoTime(), System.currentTimeMillis()));
        }
        if (feed != null) {
          feed.poll();
        }
        groupMetadata = c.groupMetadata();
        for (Consumer<KafkaConsumer<byte[], byte[]>> task; (task = consumerTasks.poll()) != null; ) {
          task.accept(c);
        }
        // Backpressure: stop fetching while too much is in flight, without leaving the group.
        if (inFlight.get() >= maxInFlight && paused.isEmpty()) {
          paused.addAll(c.assignment());
          c.pause(paused);
        } else if (inFlight.get() <= maxInFlight / 2 && !paused.isEmpty()) {
          paused.retainAll(c.assignment());
          c.resume(paused);
          paused.clear();
        }
      }
    } catch (WakeupException e) {
      if (running) {
        fail(e);
      }
    } catch (RuntimeException | Error e) {
      fail(e);
    } finally {
      consumer = null;
      terminated.countDown();
    }
  }

  /**
   * On revocation, frames of the revoked partitions are dropped or finished, never half-done. The
   * label feed follows the frame partitions: assigned ones are added, revoked or lost ones dropped.
   */
  private final class Revocation implements ConsumerRebalanceListener {
    private final Set<TopicPartition> paused;
    /** Null when labels are disabled. */
    private final LabelFeed labels;

    Revocation(Set<TopicPartition> paused, LabelFeed labels) {
      this.paused = paused;
      this.labels = labels;
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) {
        return;
      }
      drop(partitions);
      // Wait for the batch being scored and the open transaction: they commit with this
      // generation, or abort.
      revocationPending = true;
      batchLock.lock();
      batchLock.unlock();
      revocationPending = false;
      KafkaConsumer<byte[], byte[]> c = consumer;
      for (Consumer<KafkaConsumer<byte[], byte[]>> task; c != null && (task = consumerTasks.poll()) != null; ) {
        task.accept(c);
      }
      paused.removeAll(partitions);
      if (labels != null) {
        labels.drop(partitions);
      }
      LOG.info("partitions revoked: {}", partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      drop(partitions);
      paused.removeAll(partitions);
      if (labels != null) {
        labels.drop(partitions);
      }
      LOG.warn("partitions lost: {}", partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (!partitions.isEmpty()) {
        LOG.info("partitions assigned: {}", partitions);
        assignments.incrementAndGet();
      }
      if (labels != null) {
        labels.follow(partitions);
      }
    }

    private void drop(Collection<TopicPartition> partitions) {
      Set<TopicPartition> gone = new HashSet<>(partitions);
      List<Pending> dropped = batcher.removeIf(
          p -> gone.contains(new TopicPartition(p.record().topic(), p.record().partition())));
      dropped.forEach(p -> p.prepared().cancel(true));
      inFlight.addAndGet(-dropped.size());
    }
  }

  // --------------------------------------------------------------- inference thread

  private void inferenceLoop() {
    try {
      while (running) {
        batchLock.lock();
        try {
          long wait = open == null ? POLL.toMillis()
              : Math.max(0, Math.min(POLL.toMillis(), commitIntervalMs - open.ageMillis()));
          List<Pending> batch = batcher.nextBatch(wait);
          if (batch.isEmpty()) {
            applyLabels(); // an idle line still learns from its operators
          }
          Future<Staged> current = batch.isEmpty() ? null : modelThread.submit(() -> stage(batch));
          while (current != null) {
            Staged staged = await(current);
            // Pipeline: the model starts on the next ready batch while this one is judged. Every
            // batch taken is written before the lock is let go, so a revocation or a commit
            // never finds a batch half way through.
            current = null;
            if (running && !revocationPending
                && (open == null || open.ageMillis() < commitIntervalMs)) {
              List<Pending> next = batcher.readyBatch();
              if (!next.isEmpty()) {
                current = modelThread.submit(() -> stage(next));
              }
            }
            applyLabels();
            write(staged);
          }
          if (snapshotDue() || revocationPending || !running) {
            publishSnapshots();
          }
          // Commit when idle (low latency at low load), when the interval is up (amortised
          // transactions under load), or before partitions are taken away.
          if (open != null && (batcher.size() == 0 || open.ageMillis() >= commitIntervalMs
              || revocationPending || !running)) {
            commitOpen();
          }
        } finally {
          batchLock.unlock();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      fail(e);
    } finally {
      terminated.countDown();
    }
  }

  /** Scoring thread: hands the queued labels to the scorer, each labelId once. */
  private void applyLabels() {
    for (OperatorLabel label; (label = labels.poll()) != null; ) {
      if (!appliedLabelIds.add(label.getLabelId())) {
        duplicateLabels.incrementAndGet();
        LOG.debug("label {} already applied; skipping the duplicate", label.getLabelId());
        continue;
      }
      try {
        scorer.applyLabel(label);
      } catch (RuntimeException e) {
        failedLabels.incrementAndGet();
        LOG.warn("label {} of frame {} could not be applied: {}", label.getLabelId(),
            label.getFrameId(), e.toString());
      }
    }
  }

  /** A batch after decoding and the model stage, on its way to the scoring thread. */
  private record Staged(
      List<Pending> batch,
      List<FrameIntake.Prepared> ready,
      List<Pending> readyPending,
      List<Pending> refused,
      List<FrameRejectedException> refusals,
      InferredBatch inferred,
      RuntimeException modelFailure,
      long stagedNanos) {}

  /** Model thread: waits for the batch's decodes, then runs the model stage on what decoded. */
  private Staged stage(List<Pending> batch) throws InterruptedException {
    List<FrameIntake.Prepared> ready = new ArrayList<>();
    List<Pending> readyPending = new ArrayList<>();
    List<Pending> refused = new ArrayList<>();
    List<FrameRejectedException> refusals = new ArrayList<>();
    for (Pending pending : batch) {
      try {
        ready.add(pending.prepared().get());
        readyPending.add(pending);
      } catch (ExecutionException e) {
        refused.add(pending);
        refusals.add(asRejection(e.getCause()));
      }
    }
    long stagedNanos = System.nanoTime();
    InferredBatch inferred = null;
    RuntimeException modelFailure = null;
    if (!ready.isEmpty()) {
      try {
        inferred = scorer.infer(frames(ready));
      } catch (RuntimeException e) {
        modelFailure = e;
      }
    }
    return new Staged(batch, ready, readyPending, refused, refusals, inferred, modelFailure,
        stagedNanos);
  }

  private static List<ScorableFrame> frames(List<FrameIntake.Prepared> prepared) {
    List<ScorableFrame> frames = new ArrayList<>(prepared.size());
    prepared.forEach(p -> frames.add(p.frame()));
    return frames;
  }

  private static <T> T await(Future<T> future) throws InterruptedException {
    try {
      return future.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException("model stage failed", cause);
    }
  }

  /** Scoring thread: judges a staged batch (falling back as needed) and writes its records. */
  private void write(Staged staged) throws InterruptedException {
    restoreScopes(staged.ready());
    List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
    List<FrameVerdict> verdicts = new ArrayList<>();
    List<DeadLetter> letters = new ArrayList<>();
    for (int i = 0; i < staged.refused().size(); i++) {
      reject(staged.refused().get(i), staged.refusals().get(i), out, letters);
    }
    List<FrameIntake.Prepared> ready = staged.ready();
    List<Pending> readyPending = staged.readyPending();
    long scoringStart = staged.stagedNanos();
    List<FrameResult> results = new ArrayList<>();
    List<FrameRejectedException> failures = new ArrayList<>();
    long[] stageNanos = new long[2];
    if (!ready.isEmpty()) {
      ScoredBatch scored = null;
      RuntimeException failure = staged.modelFailure();
      if (failure == null) {
        try {
          scored = checked(scorer.score(staged.inferred()), ready.size());
        } catch (RuntimeException e) {
          failure = e;
        }
      }
      if (scored != null) {
        stageNanos[0] += scored.inferenceNanos();
        stageNanos[1] += scored.scoringNanos();
        for (FrameResult r : scored.results()) {
          results.add(r);
          failures.add(null);
        }
      } else if (ready.size() == 1) {
        refuseScoring(ready.get(0), failure, results, failures);
      } else {
        LOG.warn("batch of {} failed scoring ({}); retrying at half size", ready.size(),
            failure.toString());
        int half = ready.size() / 2;
        scoreWithFallback(ready.subList(0, half), results, failures, stageNanos);
        scoreWithFallback(ready.subList(half, ready.size()), results, failures, stageNanos);
      }
    }
    long scoringNanos = System.nanoTime() - scoringStart;
    float frames = Math.max(1, ready.size());
    float inferenceMs = stageNanos[0] / 1e6f / frames;
    float engineMs = stageNanos[1] / 1e6f / frames;
    for (int i = 0; i < ready.size(); i++) {
      FrameIntake.Prepared prepared = ready.get(i);
      Pending pending = readyPending.get(i);
      if (failures.get(i) != null) {
        reject(pending, failures.get(i), out, letters);
        continue;
      }
      FrameResult result = results.get(i);
      scopeFramesSeen.put(result.scope(), result.scopeFramesSeen());
      scoredSinceSnapshot.add(result.scope());
      float queueMs =
          Math.max(0, pending.polledMillis() - prepared.meta().getCaptureTime().toEpochMilli());
      StageLatencies latencies = new StageLatencies(queueMs, prepared.fetchMs(),
          prepared.decodeMs(), (scoringStart - pending.polledNanos()) / 1e6f, inferenceMs, engineMs);
      FrameVerdict verdict = records.verdict(prepared.meta(), result, latencies);
      verdicts.add(verdict);
      byte[] key = pending.record().key();
      out.add(new ProducerRecord<>(config.getString(WorkerConfig.VERDICTS_TOPIC), key,
          verdictSerde.serialize(null, verdict)));
      for (DefectEvent defect : records.defects(prepared.meta(), result)) {
        out.add(new ProducerRecord<>(config.getString(WorkerConfig.DEFECTS_TOPIC), key,
            defectSerde.serialize(null, defect)));
      }
    }
    openTransaction();
    out.forEach(producer::send);
    open.add(staged.batch(), verdicts, letters);
    listener.onBatchWritten(staged.batch().size(), scoringNanos);
  }

  private void openTransaction() {
    if (open == null) {
      open = new OpenTransaction();
      if (exactlyOnce) {
        producer.beginTransaction();
      }
    }
  }

  /**
   * Scoring thread: after an assignment, reads the state topic anew; then restores each scope of
   * {@code frames} that has a snapshot of more frames than this worker has seen of it.
   */
  private void restoreScopes(List<FrameIntake.Prepared> frames) {
    long assigned = assignments.get();
    if (assigned != stateReadFor) {
      stateReadFor = assigned;
      readState();
    }
    if (pendingRestores.isEmpty()) {
      return;
    }
    for (FrameIntake.Prepared frame : frames) {
      String scope = scorer.scopeOf(frame.frame());
      ScorerSnapshots.Restorable snapshot = pendingRestores.remove(scope);
      if (snapshot == null || snapshot.origin().framesSeen() <= scopeFramesSeen.getOrDefault(scope, 0L)) {
        continue;
      }
      try {
        scorer.restoreScope(scope, snapshot.payload());
        scopeFramesSeen.put(scope, snapshot.origin().framesSeen());
        LOG.info("scope {} restored from snapshot {} of worker {} ({} frames seen, taken {})", scope,
            snapshot.origin().snapshotId(), snapshot.origin().workerId(),
            snapshot.origin().framesSeen(), snapshot.origin().createdTime());
      } catch (RuntimeException e) {
        LOG.warn("scope {} starts cold: snapshot {} cannot be restored: {}", scope,
            snapshot.origin().snapshotId(), e.toString());
      }
    }
  }

  /** Scoring thread: reads the state topic to its end; a failure leaves scopes to start cold. */
  private void readState() {
    long start = System.nanoTime();
    try {
      ScorerStateReader.Loaded loaded = stateReader.read(
          scorer.modelVersion(), scorer.scorerVersion(), STATE_READ_TIMEOUT, () -> running);
      statePartitions = loaded.partitions();
      pendingRestores = new HashMap<>(loaded.snapshots());
      if (statePartitions == 0) {
        LOG.warn("scorer-state topic {} does not exist: scopes start cold and no snapshots are"
            + " written", stateTopic);
      } else {
        LOG.info("read {} restorable scope snapshots from {} in {} ms; each is restored before"
            + " its scope's next frame", pendingRestores.size(), stateTopic,
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
      }
    } catch (KafkaException e) {
      pendingRestores = new HashMap<>();
      LOG.warn("cannot read scorer-state topic {}: scopes start cold: {}", stateTopic, e.toString());
    }
  }

  private boolean snapshotDue() {
    return stateIntervalMs > 0
        && System.nanoTime() - lastSnapshotNanos >= TimeUnit.MILLISECONDS.toNanos(stateIntervalMs);
  }

  /**
   * Scoring thread: sends the state of the scopes scored since their last snapshot, chunked, in
   * the open transaction (opening one if needed), so it commits with the offsets of the frames it
   * reflects. Each chunk goes to the partition of its scope, so a snapshot lies in one partition.
   */
  private void publishSnapshots() {
    lastSnapshotNanos = System.nanoTime();
    if (stateIntervalMs == 0 || statePartitions == 0 || scoredSinceSnapshot.isEmpty()) {
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
    if (states.isEmpty()) {
      return;
    }
    openTransaction();
    Instant now = Instant.now();
    for (Map.Entry<String, byte[]> state : states.entrySet()) {
      String scope = state.getKey();
      ScorerSnapshots.Origin origin = new ScorerSnapshots.Origin(UUID.randomUUID().toString(),
          scorer.modelVersion(), scorer.scorerVersion(), scopeFramesSeen.getOrDefault(scope, 0L),
          config.getString(WorkerConfig.WORKER_ID), now);
      int partition = Utils.toPositive(Utils.murmur2(scope.getBytes(StandardCharsets.UTF_8)))
          % statePartitions;
      for (ScorerSnapshot chunk : ScorerSnapshots.split(
          scope, state.getValue(), origin, ScorerSnapshots.CHUNK_BYTES)) {
        producer.send(new ProducerRecord<>(stateTopic, partition,
            ScorerSnapshots.key(chunk).getBytes(StandardCharsets.UTF_8),
            snapshotSerde.serialize(null, chunk)));
      }
      LOG.debug("snapshot {} of scope {} ({} bytes, {} frames seen) sent", origin.snapshotId(),
          scope, state.getValue().length, origin.framesSeen());
    }
  }

  private static ScoredBatch checked(ScoredBatch scored, int frames) {
    if (scored.results().size() != frames) {
      throw new IllegalStateException("scorer returned " + scored.results().size()
          + " results for " + frames + " frames");
    }
    return scored;
  }

  /**
   * The fallback after a failed batch, called once per half: scores {@code frames} with both
   * stages (the model stage still on the model thread); if that fails, frame by frame. A frame
   * that fails alone is refused at the INFERENCE stage. Never loops.
   */
  private void scoreWithFallback(
      List<FrameIntake.Prepared> frames, List<FrameResult> results,
      List<FrameRejectedException> failures, long[] stageNanos) throws InterruptedException {
    if (frames.isEmpty()) {
      return;
    }
    List<ScorableFrame> input = frames(frames);
    try {
      InferredBatch inferred = await(modelThread.submit(() -> scorer.infer(input)));
      ScoredBatch scored = checked(scorer.score(inferred), input.size());
      stageNanos[0] += scored.inferenceNanos();
      stageNanos[1] += scored.scoringNanos();
      for (FrameResult r : scored.results()) {
        results.add(r);
        failures.add(null);
      }
    } catch (RuntimeException e) {
      if (frames.size() == 1) {
        refuseScoring(frames.get(0), e, results, failures);
        return;
      }
      LOG.warn("half batch of {} failed scoring ({}); scoring frame by frame", frames.size(),
          e.toString());
      for (FrameIntake.Prepared frame : frames) {
        scoreWithFallback(List.of(frame), results, failures, stageNanos);
      }
    }
  }

  private static void refuseScoring(FrameIntake.Prepared frame, RuntimeException e,
      List<FrameResult> results, List<FrameRejectedException> failures) {
    LOG.warn("frame {} failed scoring: {}", frame.frame().frameId(), e.toString());
    results.add(null);
    failures.add(new FrameRejectedException(FrameRejectedException.Stage.INFERENCE,
        "inference.failed", "scoring failed: " + e, e));
  }

  private void reject(Pending pending, FrameRejectedException reason,
      List<ProducerRecord<byte[], byte[]>> out, List<DeadLetter> letters) {
    ConsumerRecord<byte[], byte[]> record = pending.record();
    switch (config.errorPolicy()) {
      case FAIL:
        throw new WorkerException("frame at " + record.topic() + "-" + record.partition() + "@"
            + record.offset() + " refused (" + reason.reasonCode() + ") and error.policy=FAIL: "
            + reason.getMessage(), reason);
      case CONTINUE:
        LOG.warn("skipping frame at {}-{}@{}: {} {}", record.topic(), record.partition(),
            record.offset(), reason.reasonCode(), reason.getMessage());
        return;
      default:
        DeadLetter letter = deadLetters.of(record, reason, metaOrNull(record));
        letters.add(letter);
        out.add(new ProducerRecord<>(config.getString(WorkerConfig.DLQ_TOPIC), record.key(),
            deadLetterSerde.serialize(null, letter)));
    }
  }

  private io.clipline.schemas.CameraFrame metaOrNull(ConsumerRecord<byte[], byte[]> record) {
    try {
      return intake.read(record.value());
    } catch (FrameRejectedException e) {
      return null;
    }
  }

  private static FrameRejectedException asRejection(Throwable cause) {
    if (cause instanceof FrameRejectedException rejected) {
      return rejected;
    }
    return new FrameRejectedException(FrameRejectedException.Stage.DECODE, "decode.failed",
        "unexpected failure while decoding: " + cause, cause);
  }

  /**
   * Commits what the open transaction holds: the records already sent and the offsets of the
   * frames they came from, atomically when exactly-once is on. On an abortable error the frames
   * are consumed again from their first offsets.
   */
  private void commitOpen() {
    OpenTransaction txn = open;
    open = null;
    if (!exactlyOnce) {
      producer.flush();
      listener.beforeCommit();
      Map<TopicPartition, OffsetAndMetadata> offsets = txn.offsets;
      consumerTasks.add(c -> c.commitAsync(offsets, (o, e) -> {
        if (e != null) {
          LOG.warn("offset commit failed (frames will be re-scored after a restart): {}", e.toString());
        }
      }));
      txn.committed();
      return;
    }
    try {
      if (!txn.offsets.isEmpty()) { // a transaction may hold snapshots only
        producer.sendOffsetsToTransaction(txn.offsets, groupMetadata);
      }
      listener.beforeCommit();
      commitWithRetry();
      txn.committed();
    } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException e) {
      throw new WorkerException("producer can no longer write (another worker with worker.id '"
          + config.getString(WorkerConfig.WORKER_ID) + "' took over?): " + e.getMessage(), e);
    } catch (KafkaException e) {
      LOG.warn("transaction of {} frames aborted, they will be consumed again: {}", txn.frames,
          e.toString());
      producer.abortTransaction();
      inFlight.addAndGet(-txn.frames);
      Map<TopicPartition, Long> firstOffsets = txn.firstOffsets;
      consumerTasks.add(c -> rewind(c, firstOffsets));
    }
  }

  /** What one transaction holds; it spans batches until commit.interval.ms or an idle moment. */
  private final class OpenTransaction {
    final long openedNanos = System.nanoTime();
    final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    final Map<TopicPartition, Long> firstOffsets = new HashMap<>();
    final List<FrameVerdict> verdicts = new ArrayList<>();
    final List<DeadLetter> letters = new ArrayList<>();
    int frames;

    void add(List<Pending> batch, List<FrameVerdict> batchVerdicts, List<DeadLetter> batchLetters) {
      for (Pending p : batch) {
        TopicPartition tp = new TopicPartition(p.record().topic(), p.record().partition());
        offsets.merge(tp, new OffsetAndMetadata(p.record().offset() + 1),
            (a, b) -> a.offset() >= b.offset() ? a : b);
        firstOffsets.merge(tp, p.record().offset(), Math::min);
      }
      frames += batch.size();
      verdicts.addAll(batchVerdicts);
      letters.addAll(batchLetters);
    }

    long ageMillis() {
      return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - openedNanos);
    }

    void committed() {
      inFlight.addAndGet(-frames);
      verdicts.forEach(listener::onVerdict);
      letters.forEach(listener::onDeadLetter);
    }
  }

  private void commitWithRetry() {
    while (true) {
      try {
        producer.commitTransaction();
        return;
      } catch (TimeoutException e) {
        if (!running) {
          throw e;
        }
        // A broker outage: the commit can be retried; the worker stalls rather than crashes.
        LOG.warn("commit timed out, retrying: {}", e.getMessage());
      }
    }
  }

  /** Consumer thread: re-read the aborted batch and everything after it on its partitions. */
  private void rewind(KafkaConsumer<byte[], byte[]> c, Map<TopicPartition, Long> firstOffsets) {
    List<Pending> dropped = batcher.removeIf(p -> firstOffsets.containsKey(
        new TopicPartition(p.record().topic(), p.record().partition())));
    dropped.forEach(p -> p.prepared().cancel(true));
    inFlight.addAndGet(-dropped.size());
    firstOffsets.forEach((tp, offset) -> {
      if (c.assignment().contains(tp)) {
        c.seek(tp, offset);
      }
    });
  }

  // ---------------------------------------------------------------------- plumbing

  private void fail(Throwable e) {
    if (failure == null) {
      failure = e;
    }
    LOG.error("worker failed: {}", e.toString(), e);
    running = false;
    State current = state.get();
    if (current != State.FAILED && current.mayBecome(State.FAILED)) {
      transition(State.FAILED);
    }
    KafkaConsumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
  }

  private void transition(State next) {
    State previous = state.getAndUpdate(s -> s.mayBecome(next) ? next : s);
    if (!previous.mayBecome(next)) {
      throw new IllegalStateException("worker cannot go from " + previous + " to " + next);
    }
    LOG.info("worker {}: {} -> {}", config.getString(WorkerConfig.WORKER_ID), previous, next);
    listener.onStateChange(previous, next);
  }

  private Map<String, Object> consumerConfig() {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.getList(WorkerConfig.BOOTSTRAP_SERVERS));
    props.put(ConsumerConfig.GROUP_ID_CONFIG, config.getString(WorkerConfig.GROUP_ID));
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "clipline-worker-" + config.getString(WorkerConfig.WORKER_ID));
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.getInt(WorkerConfig.BATCH_MAX_FRAMES));
    props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, TopicCatalog.MAX_FRAME_BYTES);
    props.putAll(config.originalsWithPrefix("consumer."));
    return props;
  }

  /** The label consumer: group-less, from the end of each partition it is given. */
  private Map<String, Object> labelConsumerConfig() {
    return groupLessConsumerConfig("labels", "latest");
  }

  /** The scorer-state consumer: group-less, from the beginning, chunks of any size. */
  private Map<String, Object> stateConsumerConfig() {
    Map<String, Object> props = groupLessConsumerConfig("state", "earliest");
    props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
        TopicCatalog.SCORER_STATE.maxMessageBytes());
    return props;
  }

  /**
   * The frame consumer's client settings without its group, for a consumer assigned partitions
   * by hand; read_committed like the frames, never committing offsets.
   */
  private Map<String, Object> groupLessConsumerConfig(String role, String offsetReset) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.getList(WorkerConfig.BOOTSTRAP_SERVERS));
    props.putAll(config.originalsWithPrefix("consumer."));
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    props.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    props.remove(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG,
        "clipline-worker-" + config.getString(WorkerConfig.WORKER_ID) + "-" + role);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, offsetReset);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return props;
  }

  private Map<String, Object> producerConfig() {
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.getList(WorkerConfig.BOOTSTRAP_SERVERS));
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "clipline-worker-" + config.getString(WorkerConfig.WORKER_ID));
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    // A dead letter carries the whole original frame.
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, TopicCatalog.FRAMES_DLQ.maxMessageBytes());
    if (exactlyOnce) {
      // Stable per replica: a restarted worker fences its predecessor and aborts its open transaction.
      props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG,
          "clipline-worker-" + config.getString(WorkerConfig.WORKER_ID));
      props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 30_000);
    }
    props.putAll(config.originalsWithPrefix("producer."));
    return props;
  }
}
