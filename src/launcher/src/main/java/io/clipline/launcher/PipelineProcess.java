package io.clipline.launcher;

import io.clipline.observability.JvmProcessMetrics;
import io.clipline.observability.MetricsServer;
import io.clipline.observability.Readiness;
import io.clipline.pipeline.LineLayout;
import io.clipline.pipeline.PipelineApp;
import io.clipline.pipeline.PipelineConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import org.apache.kafka.streams.KafkaStreams;

/** The pipeline application with its metrics and health endpoint. */
final class PipelineProcess implements AutoCloseable {
  private final PrometheusMeterRegistry registry;
  private final JvmProcessMetrics jvm;
  private final PipelineApp app;
  private final MetricsServer server;

  /** With the line topology from the configuration's file (and topic, when set). */
  PipelineProcess(PipelineConfig config) {
    this(config, null);
  }

  /** With a line topology given in code, as the demo does; {@code null}: from the config. */
  PipelineProcess(PipelineConfig config, LineLayout line) {
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    this.jvm = JvmProcessMetrics.bindTo(registry);
    this.app = line == null ? PipelineApp.fromConfig(config, registry)
        : new PipelineApp(config, line, registry);
    Readiness readiness = new Readiness().register("streams", () -> {
      KafkaStreams.State state = app.state();
      return state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING;
    });
    this.server = MetricsServer.start(
        "0.0.0.0", config.getInt(PipelineConfig.METRICS_PORT), registry, readiness);
  }

  void start() {
    app.start();
  }

  KafkaStreams.State state() {
    return app.state();
  }

  URI metricsUri() {
    return server.uri();
  }

  @Override
  public void close() {
    // Reverse order of creation: the endpoint answers until the application is down.
    app.close();
    server.close();
    jvm.close();
    registry.close();
  }
}
