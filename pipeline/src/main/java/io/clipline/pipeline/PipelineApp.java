package io.clipline.pipeline;

import io.clipline.schemas.serde.SchemaRegistration;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running pipeline: one {@link KafkaStreams} instance over {@link PipelineTopology}, with a
 * {@code start()}/{@code close()} lifecycle for the launcher. It may be started once; {@code
 * close()} may be called any number of times.
 */
public final class PipelineApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PipelineApp.class);

  private final PipelineConfig config;
  private final PipelineTopology topology;
  private KafkaStreams streams;
  private boolean closed;

  public PipelineApp(PipelineConfig config, LineLayout line, MeterRegistry registry) {
    this.config = config;
    this.topology = new PipelineTopology(config, line, registry);
  }

  /**
   * Loads the line topology named by {@code line.topology.file} and builds the app; a missing or
   * invalid file fails here, before anything connects. Without a file, {@code
   * line.topology.topic} must be set.
   */
  public static PipelineApp fromConfig(PipelineConfig config, MeterRegistry registry) {
    String file = config.getString(PipelineConfig.LINE_TOPOLOGY_FILE);
    if (file.isBlank()) {
      if (config.getString(PipelineConfig.LINE_TOPOLOGY_TOPIC).isBlank()) {
        throw new ConfigException(PipelineConfig.LINE_TOPOLOGY_FILE, file,
            "the pipeline needs a line topology: set " + PipelineConfig.LINE_TOPOLOGY_FILE
                + " or " + PipelineConfig.LINE_TOPOLOGY_TOPIC);
      }
      return new PipelineApp(config, LineLayout.empty(), registry);
    }
    return new PipelineApp(config, LineLayoutLoader.load(Path.of(file)), registry);
  }

  public synchronized void start() {
    if (closed) {
      throw new IllegalStateException("pipeline is closed");
    }
    if (streams != null) {
      throw new IllegalStateException("pipeline already started");
    }
    // Registry format: register the output schemas first, so a change the registry refuses
    // stops start-up naming the subject.
    SchemaRegistration.register(config.serdeSettings(), topology.outputTopics());
    streams = new KafkaStreams(topology.build(), topology.config());
    streams.setStateListener((now, before) -> LOG.info("Pipeline {} -> {}", before, now));
    streams.setUncaughtExceptionHandler(e -> {
      LOG.error("Pipeline stream thread failed; shutting the pipeline down", e);
      return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    streams.start();
  }

  /** The Kafka Streams state; CREATED before {@link #start()}. */
  public synchronized KafkaStreams.State state() {
    return streams == null ? KafkaStreams.State.CREATED : streams.state();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (streams != null) {
      // Leave the group, so that a successor instance gets the tasks without waiting for the
      // session timeout; with exactly-once its open transaction is committed or aborted first.
      streams.close(CloseOptions.groupMembershipOperation(
          CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(Duration.ofSeconds(30)));
    }
  }

  /** The topology this app runs. */
  public PipelineTopology topology() {
    return Objects.requireNonNull(topology);
  }
}
