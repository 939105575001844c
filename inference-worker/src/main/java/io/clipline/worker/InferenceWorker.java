package io.clipline.worker;

import io.clipline.imaging.FrameDecoder;
import io.clipline.imaging.FrameLimits;
import io.clipline.schemas.CameraFrame;
import io.clipline.schemas.DeadLetter;
import io.clipline.schemas.DefectEvent;
import io.clipline.schemas.FrameVerdict;
import io.clipline.schemas.serde.SchemaRegistration;
import io.clipline.worker.internal.BatchJudge;
import io.clipline.worker.internal.ClaimCheckFetcher;
import io.clipline.worker.internal.ClientConfigs;
import io.clipline.worker.internal.ConsumerLoop;
import io.clipline.worker.internal.ConsumerTasks;
import io.clipline.worker.internal.DeadLetterLog;
import io.clipline.worker.internal.DeadLetters;
import io.clipline.worker.internal.FrameIntake;
import io.clipline.worker.internal.InFlightFrames;
import io.clipline.worker.internal.LabelInbox;
import io.clipline.worker.internal.ModelStage;
import io.clipline.worker.internal.OutputRecords;
import io.clipline.worker.internal.ScorerStateKeeper;
import io.clipline.worker.internal.ScorerStateReader;
import io.clipline.worker.internal.ScoringLoop;
import io.clipline.worker.internal.ScoringPassLock;
import io.clipline.worker.internal.TransactionalWriter;
import io.clipline.worker.internal.VerdictRecords;
import io.clipline.worker.internal.WorkerThreads;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inference worker: consumes camera frames, decodes and micro-batches them, scores each
 * batch and writes verdicts, defect events and dead letters, committing the consumed offsets
 * only together with (or, without exactly-once, after) what it wrote.
 *
 * <p>This class is the lifecycle (start, stop, fail) and the wiring; each job is a part of its
 * own in {@code worker.internal}, on one of three threads (see {@code docs/ARCHITECTURE.md}):
 *
 * <ul>
 *   <li>{@code clipline-consumer} runs the {@link ConsumerLoop}: it owns the frame consumer,
 *       hands each polled frame to the decode pool ({@link FrameIntake}) and to {@link
 *       InFlightFrames}, pauses its partitions when too many frames are in flight, reads
 *       operator labels into the {@link LabelInbox}, and handles rebalances.
 *   <li>{@code clipline-model} runs the {@link ModelStage} ({@link FrameScorer#infer}) of the
 *       next batch while the scoring thread judges the current one, so model and scoring engine
 *       (GPU and CPU on a GPU machine) work at the same time.
 *   <li>{@code clipline-scoring} runs the {@link ScoringLoop}: judges batches ({@link
 *       BatchJudge}, with the half-size and frame-by-frame fallback), turns them into records
 *       ({@link OutputRecords}), owns the transaction ({@link TransactionalWriter}), hands labels
 *       to the scorer between batches, and keeps the scorer's memory on the scorer-state topic
 *       ({@link ScorerStateKeeper}).
 * </ul>
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

  private final WorkerConfig config;
  private final FrameScorer<?> scorer;
  private final WorkerListener listener;
  private final ClientConfigs clients;
  private final FrameIntake intake;
  private final ExecutorService decodePool;
  private final Stages<?> stages;
  private final InFlightFrames frames;
  private final ConsumerTasks consumerTasks = new ConsumerTasks();
  private final LabelInbox labels = new LabelInbox();
  private final ScoringPassLock pass = new ScoringPassLock();
  private final ScorerStateKeeper scorerState;
  private final ConsumerLoop consumerLoop;
  private final AtomicReference<State> state = new AtomicReference<>(State.CREATED);
  private final CountDownLatch terminated = new CountDownLatch(2);
  private volatile boolean running;
  private volatile Throwable failure;
  private KafkaProducer<byte[], byte[]> producer;

  public InferenceWorker(WorkerConfig config, FrameScorer<?> scorer, WorkerListener listener) {
    this.config = config;
    this.scorer = scorer;
    this.listener = WorkerListener.all(List.of(listener, new DeadLetterLog()));
    this.clients = new ClientConfigs(config);
    FrameLimits limits = new FrameLimits(
        config.getInt(WorkerConfig.FRAME_MAX_BYTES), config.getLong(WorkerConfig.FRAME_MAX_PIXELS));
    this.intake = new FrameIntake(
        config.serdeSettings().serdeFor(CameraFrame.class).deserializer(),
        config.getString(WorkerConfig.FRAMES_TOPIC),
        new FrameDecoder(limits),
        new ClaimCheckFetcher(Duration.ofMillis(config.getInt(WorkerConfig.CLAIMCHECK_TIMEOUT_MS)),
            config.getInt(WorkerConfig.CLAIMCHECK_MAX_BYTES)),
        config.getInt(WorkerConfig.FRAME_MAX_BYTES), scorer::prepare);
    this.decodePool =
        WorkerThreads.pool(WorkerThreads.DECODE, config.getInt(WorkerConfig.DECODE_THREADS));
    this.stages = Stages.of(scorer);
    this.frames = new InFlightFrames(
        config.getInt(WorkerConfig.BATCH_MAX_FRAMES), config.getInt(WorkerConfig.BATCH_LINGER_MS));
    String stateTopic = config.getString(WorkerConfig.SCORER_STATE_TOPIC);
    this.scorerState = new ScorerStateKeeper(scorer,
        new ScorerStateReader(stateTopic, clients.stateConsumer()), stateTopic, workerId(),
        config.getInt(WorkerConfig.SCORER_STATE_INTERVAL_MS),
        config.getInt(WorkerConfig.SCORER_STATE_INTERVAL_FRAMES), () -> running);
    this.consumerLoop = new ConsumerLoop(config, clients, intake, decodePool, frames,
        consumerTasks, labels, pass, scorerState::assigned,
        c -> listener.onClientsCreated(c, producer), () -> running);
  }

  /** Connects to Kafka and starts consuming; returns at once. */
  public synchronized void start() {
    // Registry format: register the output schemas first, so a change the registry refuses
    // stops start-up naming the subject, before any frame is consumed.
    SchemaRegistration.register(config.serdeSettings(), Map.of(
        config.getString(WorkerConfig.VERDICTS_TOPIC), FrameVerdict.class,
        config.getString(WorkerConfig.DEFECTS_TOPIC), DefectEvent.class,
        config.getString(WorkerConfig.DLQ_TOPIC), DeadLetter.class));
    boolean exactlyOnce = config.getBoolean(WorkerConfig.EXACTLY_ONCE);
    producer = new KafkaProducer<>(clients.producer(), new ByteArraySerializer(), new ByteArraySerializer());
    if (exactlyOnce) {
      producer.initTransactions();
    }
    TransactionalWriter writer = new TransactionalWriter(producer, exactlyOnce, workerId(), frames,
        consumerTasks, consumerLoop::groupMetadata, listener, () -> running);
    String workerId = workerId();
    OutputRecords outputs = new OutputRecords(config,
        new VerdictRecords(workerId, scorer.modelVersion(), scorer.scorerVersion(),
            scorer.executionProvider()),
        new DeadLetters(workerId), intake);
    ScoringLoop<?> scoringLoop = stages.scoringLoop(frames, outputs, writer, scorerState, labels,
        pass, listener, config.getInt(WorkerConfig.COMMIT_INTERVAL_MS), () -> running);
    running = true;
    transition(State.RUNNING);
    new Thread(this::runConsumer, WorkerThreads.CONSUMER).start();
    new Thread(() -> runScoring(scoringLoop), WorkerThreads.SCORING).start();
  }

  public State state() {
    return state.get();
  }

  /**
   * Whether the worker is ready for traffic: running, and a member of its group that holds frame
   * partitions or that the group deliberately left idle (a standby: more workers than
   * partitions, said once in the log). Not between start and the first assignment, nor while it
   * rejoins after losing its partitions.
   */
  public boolean isReady() {
    return state.get() == State.RUNNING
        && consumerLoop.membership() != ConsumerLoop.Membership.JOINING;
  }

  /** Whether the worker is a member of its group the group gave no partitions (a standby). */
  public boolean isStandby() {
    return consumerLoop.membership() == ConsumerLoop.Membership.STANDBY;
  }

  /** Frames polled and not yet committed. */
  public int framesInFlight() {
    return frames.count();
  }

  /**
   * Label records that came to the given outcome so far; counts only the outcomes the worker
   * decides ({@link LabelOutcome#DUPLICATE}, {@link LabelOutcome#UNDECODABLE}, {@link
   * LabelOutcome#FAILED}), 0 for the scorer's.
   */
  public long labels(LabelOutcome outcome) {
    return labels.count(outcome);
  }

  /** Blocks until both worker threads have ended; rethrows what made the worker fail. */
  public void awaitTermination() throws InterruptedException {
    terminated.await();
    if (failure != null) {
      throw new WorkerException("worker failed: " + failure.getMessage(), failure);
    }
  }

  /**
   * Stops consuming, lets the batch being scored finish and commit, and closes the clients; the
   * consumer leaves its group at once (static member or not), so the other replicas take its
   * partitions now. Frames polled but not in that batch stay uncommitted and are consumed again
   * later. Thread-safe: a second call (say, a signal handler's and then the owner's) waits for
   * the first to finish and then does nothing.
   */
  @Override
  public synchronized void close() {
    if (state.get() == State.STOPPED) {
      return;
    }
    if (state.get() == State.CREATED) {
      transition(State.STOPPED);
      decodePool.shutdownNow();
      stages.model().close();
      return;
    }
    if (state.get() == State.RUNNING) {
      transition(State.STOPPING);
    }
    running = false;
    consumerLoop.wakeup();
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
    stages.model().close();
    if (state.get() == State.STOPPING) {
      transition(State.STOPPED);
    }
  }

  private void runConsumer() {
    try {
      consumerLoop.run();
    } catch (RuntimeException | Error e) {
      fail(e);
    } finally {
      terminated.countDown();
    }
  }

  private void runScoring(ScoringLoop<?> loop) {
    try {
      loop.run();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      fail(e);
    } finally {
      terminated.countDown();
    }
  }

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
    consumerLoop.wakeup();
  }

  private void transition(State next) {
    State previous = state.getAndUpdate(s -> s.mayBecome(next) ? next : s);
    if (!previous.mayBecome(next)) {
      throw new IllegalStateException("worker cannot go from " + previous + " to " + next);
    }
    LOG.info("worker {}: {} -> {}", workerId(), previous, next);
    listener.onStateChange(previous, next);
  }

  private String workerId() {
    return config.getString(WorkerConfig.WORKER_ID);
  }

  /**
   * The scorer and the parts that hand its model output from stage to stage, under one type
   * parameter, so that the worker takes any {@code FrameScorer<?>} without a cast.
   */
  private record Stages<O>(FrameScorer<O> scorer, ModelStage<O> model) {
    static <O> Stages<O> of(FrameScorer<O> scorer) {
      return new Stages<>(scorer, new ModelStage<>(scorer));
    }

    ScoringLoop<O> scoringLoop(InFlightFrames frames, OutputRecords outputs,
        TransactionalWriter writer, ScorerStateKeeper state, LabelInbox labels,
        ScoringPassLock pass, WorkerListener listener, long commitIntervalMs,
        BooleanSupplier running) {
      return new ScoringLoop<>(frames, model, new BatchJudge<>(scorer, model, frames.results()),
          outputs, writer, state, labels, scorer, pass, listener, commitIntervalMs, running);
    }
  }
}
