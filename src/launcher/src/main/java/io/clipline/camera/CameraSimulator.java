package io.clipline.camera;

import io.clipline.camera.internal.CameraLayout;
import io.clipline.camera.internal.CameraPosition;
import io.clipline.camera.internal.PacingSchedule;
import io.clipline.camera.internal.ProgressLog;
import io.clipline.camera.internal.SendTally;
import io.clipline.schemas.CameraFrame;
import io.clipline.schemas.serde.SchemaRegistration;
import io.clipline.schemas.topic.TopicCatalog;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Simulated production-line cameras: publishes {@link CameraFrame} records, keyed by camera id
 * ({@code line-1/station-1/cam-1}), at a steady total rate until the frame count or the duration
 * is reached or {@link #stop()} / {@link #close()} is called.
 *
 * <p>Frames go round-robin over the cameras, ordered line by line and station by station: in
 * round r every camera sends its frame with {@code sequence} r, and the cameras of one station
 * show that station's item r in turn (same {@code itemId}). Each frame is defective or not on
 * its own, so an item is defective when any of its views is. With ground-truth headers on, each
 * record carries {@link GroundTruthHeaders#LABEL} and, when defective, {@link
 * GroundTruthHeaders#DEFECT}.
 *
 * <pre>{@code
 * SimulatorSettings settings = SimulatorSettings.builder("localhost:9092")
 *     .lines(2).camerasPerLine(3).framesPerSecond(30).frameCount(600).build();
 * try (CameraSimulator simulator = new CameraSimulator(settings)) {
 *   SimulationSummary summary = simulator.run();
 * }
 * }</pre>
 *
 * <p>A simulator runs once. It owns its frame source and its Kafka producer and closes them, the
 * producer first, in {@link #close()}; {@link #close()} may come from another thread while
 * {@link #run()} is sending, and a second close does nothing.
 */
public final class CameraSimulator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CameraSimulator.class);
  private static final long PROGRESS_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);
  /** Further behind schedule than this, the simulator skips ahead instead of bursting. */
  private static final long MAX_LAG_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);
  private static final Duration PRODUCER_CLOSE_TIMEOUT = Duration.ofSeconds(10);

  /** Lifecycle of a simulator; {@link #run()} moves it from NEW to RUNNING to FINISHED. */
  private enum State {
    NEW,
    RUNNING,
    FINISHED
  }

  private final SimulatorSettings settings;
  private final FrameSource source;
  private final CameraLayout layout;
  private final KafkaProducer<String, CameraFrame> producer;
  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private final CountDownLatch runFinished = new CountDownLatch(1);
  private final AtomicReference<FramePublishException> firstFailure = new AtomicReference<>();

  /** A simulator whose frame source is the one the settings name. */
  public CameraSimulator(SimulatorSettings settings) {
    this(settings, settings.openSource());
  }

  /** A simulator with a caller-made frame source, which it takes ownership of and closes. */
  public CameraSimulator(SimulatorSettings settings, FrameSource source) {
    this.settings = settings;
    this.source = source;
    this.layout = new CameraLayout(settings.lines(), settings.camerasPerLine(),
        settings.camerasPerStation(), UUID.randomUUID().toString().substring(0, 8));
    try {
      // Registry format: register the frame schema first, so a change the registry refuses
      // stops the simulator naming the subject before any frame is sent.
      SchemaRegistration.register(settings.serde(), Map.of(settings.topic(), CameraFrame.class));
      this.producer = new KafkaProducer<>(producerConfig(settings), new StringSerializer(),
          settings.serde().serdeFor(CameraFrame.class).serializer());
    } catch (RuntimeException e) {
      source.close();
      throw e;
    }
  }

  /**
   * The producer configuration: frames up to the topic's 8 MiB, acknowledged by all replicas,
   * idempotent (a retry after an outage writes no second copy); a frame is buffered and retried
   * for the outage tolerance, in at most the buffer's memory.
   */
  private static Map<String, Object> producerConfig(SimulatorSettings settings) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    config.put(ProducerConfig.CLIENT_ID_CONFIG, "clipline-camera-sim");
    config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, TopicCatalog.MAX_FRAME_BYTES);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    int tolerance = (int) settings.outageTolerance().toMillis();
    // Waiting for metadata or for buffer space blocks the cameras at most this long ...
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, tolerance);
    // ... and a buffered frame is retried this long before it is dropped (the producer requires
    // delivery.timeout.ms >= linger.ms + request.timeout.ms).
    int request = Math.max(500, Math.min(30_000, tolerance / 2));
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, request);
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Math.max(tolerance, request + 5));
    config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, settings.bufferBytes());
    return config;
  }

  /** The camera ids this simulator sends as, in sending order. */
  public List<String> cameraIds() {
    return layout.cameras().stream().map(CameraPosition::cameraId).toList();
  }

  /**
   * Sends frames on the calling thread until the frame count or duration is reached or the
   * simulator is stopped, waits for the broker's acknowledgements, and returns what was sent and
   * what was dropped. A broker outage does not stop it: frames wait in the buffer and are
   * retried; one not acknowledged within the outage tolerance is dropped, counted and logged.
   *
   * @throws FramePublishException when the broker refused a frame for good (not an outage: too
   *     large, not authorized...); sending stops at the first
   * @throws IllegalStateException when called a second time or after {@link #close()}
   */
  public SimulationSummary run() {
    if (closed.get() || !state.compareAndSet(State.NEW, State.RUNNING)) {
      throw new IllegalStateException("run() may be called once on an open simulator, but it is "
          + (closed.get() ? "closed" : state.get()));
    }
    try {
      return send();
    } finally {
      state.set(State.FINISHED);
      runFinished.countDown();
    }
  }

  /** Runs {@link #run()} on a new daemon thread named {@code camera-sim}. */
  public CompletableFuture<SimulationSummary> start() {
    CompletableFuture<SimulationSummary> result = new CompletableFuture<>();
    Thread thread = new Thread(() -> {
      try {
        result.complete(run());
      } catch (Throwable e) {
        result.completeExceptionally(e);
      }
    }, "camera-sim");
    thread.setDaemon(true);
    thread.start();
    return result;
  }

  /** Asks a running {@link #run()} to stop after the current frame; it then returns normally. */
  public void stop() {
    stopRequested.countDown();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    stop();
    if (state.get() == State.RUNNING) {
      try {
        if (!runFinished.await(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
          LOG.warn("camera-sim: run() did not stop within {}; closing the producer under it",
              CLOSE_WAIT);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    // Reverse order of creation: the producer was made after the source was opened.
    try {
      producer.close(PRODUCER_CLOSE_TIMEOUT);
    } finally {
      source.close();
    }
  }

  private SimulationSummary send() {
    SendTally tally = new SendTally(cameraIds());
    long startNanos = System.nanoTime();
    long durationNanos = durationNanos(settings.duration());
    PacingSchedule schedule = PacingSchedule.startingAt(settings.framesPerSecond(), startNanos);
    ProgressLog progress = new ProgressLog(LOG, PROGRESS_INTERVAL_NANOS, startNanos);
    LOG.info("camera-sim: {} camera(s) on {} line(s) -> topic {} at {} frames/s{}; source: {}",
        layout.size(), settings.lines(), settings.topic(), settings.framesPerSecond(),
        settings.frameCount() > 0 ? ", " + settings.frameCount() + " frames" : "",
        source.description());
    try {
      for (long k = 0; settings.frameCount() == 0 || k < settings.frameCount(); k++) {
        long now = System.nanoTime();
        schedule = schedule.catchUp(k, now, MAX_LAG_NANOS);
        long wait = Math.min(schedule.waitNanos(k, now),
            Math.max(0, durationNanos - (now - startNanos)));
        if (stopRequested.await(wait, TimeUnit.NANOSECONDS)
            || System.nanoTime() - startNanos >= durationNanos
            || firstFailure.get() != null) {
          break;
        }
        sendFrame(k, tally);
        progress.maybeLog(System.nanoTime(), tally.frames(), tally.bytes());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LOG.info("camera-sim: interrupted, stopping");
    } finally {
      flushKeepingInterrupt();
    }
    if (firstFailure.get() != null) {
      throw firstFailure.get();
    }
    SimulationSummary summary = tally.summary(startNanos);
    LOG.info("camera-sim: done, {} frames ({} MB) in {} s, {} frames/s, labels {}, dropped {}",
        summary.framesSent(), String.format("%.1f", summary.bytesSent() / 1e6),
        String.format("%.1f", summary.elapsed().toMillis() / 1e3),
        String.format("%.1f", summary.achievedFramesPerSecond()), summary.labelsSent(),
        summary.framesDropped());
    return summary;
  }

  /** The run's time limit in nanoseconds; no limit (zero) and very long ones saturate. */
  private static long durationNanos(Duration duration) {
    if (duration.isZero() || duration.getSeconds() >= Long.MAX_VALUE / 1_000_000_000L) {
      return Long.MAX_VALUE;
    }
    return duration.toNanos();
  }

  private void sendFrame(long frameIndex, SendTally tally) {
    CameraPosition camera = layout.cameraOf(frameIndex);
    long sequence = layout.sequenceOf(frameIndex);
    SourceFrame frame = source.frameFor(camera.index(), sequence);
    String frameId = UUID.randomUUID().toString();
    CameraFrame record = CameraFrame.newBuilder()
        .setFrameId(frameId)
        .setCameraId(camera.cameraId())
        .setLineId(camera.lineId())
        .setStationId(camera.stationId())
        .setItemId(layout.itemOf(frameIndex))
        .setSequence(sequence)
        .setCaptureTime(Instant.now())
        .setProduct(frame.product())
        .setEncoding(frame.encoding())
        .setWidth(frame.width())
        .setHeight(frame.height())
        .setImage(ByteBuffer.wrap(frame.image()))
        .setImageUri(null)
        .setAttributes(Map.of("source", "clipline camera-sim"))
        .build();
    ProducerRecord<String, CameraFrame> producerRecord =
        new ProducerRecord<>(settings.topic(), camera.cameraId(), record);
    if (settings.groundTruthHeaders()) {
      GroundTruthHeaders.write(frame.truth(), producerRecord.headers());
    }
    GroundTruth truth = frame.truth();
    try {
      producer.send(producerRecord, (metadata, exception) -> {
        if (exception instanceof RetriableException) {
          dropped(tally, camera.cameraId(), frameId, exception);
        } else if (exception != null) {
          firstFailure.compareAndSet(null, new FramePublishException(
              settings.topic(), camera.cameraId(), frameId, exception));
        } else {
          tally.recordAck(camera.cameraId(), truth,
              Math.max(0, metadata.serializedKeySize()) + Math.max(0, metadata.serializedValueSize()),
              System.nanoTime());
        }
      });
    } catch (RetriableException e) {
      dropped(tally, camera.cameraId(), frameId, e); // blocked past the tolerance
    } catch (KafkaException e) {
      firstFailure.compareAndSet(null,
          new FramePublishException(settings.topic(), camera.cameraId(), frameId, e));
    }
  }

  /** Counts a frame the broker did not take within the outage tolerance; logs each reason once. */
  private void dropped(SendTally tally, String cameraId, String frameId, Exception e) {
    String reason = e.getClass().getSimpleName();
    if (tally.recordDrop(reason)) {
      LOG.warn("camera-sim: dropped frame {} of {}: not acknowledged within the outage tolerance"
          + " {} ({}: {}); further drops for this reason are counted in the summary", frameId,
          cameraId, settings.outageTolerance(), reason, e.getMessage());
    }
  }

  /** Waits for every sent frame's acknowledgement, even when this thread was interrupted. */
  private void flushKeepingInterrupt() {
    boolean interrupted = Thread.interrupted();
    try {
      producer.flush();
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
