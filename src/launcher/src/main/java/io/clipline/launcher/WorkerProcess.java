package io.clipline.launcher;

import io.clipline.inference.ModelFrameScorer;
import io.clipline.observability.JvmProcessMetrics;
import io.clipline.observability.MetricsServer;
import io.clipline.observability.Readiness;
import io.clipline.worker.InferenceWorker;
import io.clipline.worker.WorkerConfig;
import io.clipline.worker.WorkerListener;
import io.clipline.worker.metrics.WorkerMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One worker replica with everything around it: the model and engine, the worker, its metrics
 * and the HTTP endpoint for Prometheus and health probes. What {@code clipline worker} and the
 * demo run.
 */
final class WorkerProcess implements AutoCloseable {
  private final ModelFrameScorer scorer;
  private final PrometheusMeterRegistry registry;
  private final JvmProcessMetrics jvm;
  private final WorkerMetrics metrics;
  private final InferenceWorker worker;
  private final MetricsServer server;
  private final ScheduledExecutorService bankSizes;

  /**
   * Loads the model (a missing or bad model folder fails here, before anything connects) and
   * starts serving metrics; {@link #start()} then connects to Kafka.
   */
  WorkerProcess(WorkerConfig config, WorkerListener extra) {
    this.scorer = ModelFrameScorer.open(config);
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    this.jvm = JvmProcessMetrics.bindTo(registry);
    this.metrics = new WorkerMetrics(registry, scorer.executionProvider());
    this.worker = new InferenceWorker(config, scorer, WorkerListener.all(List.of(metrics, extra)));
    metrics.bindInFlight(worker::framesInFlight);
    metrics.bindLabels(outcome -> worker.labels(outcome) + scorer.labels(outcome));
    Readiness readiness = new Readiness()
        .register("model", () -> true)
        .register("kafka", metrics::isConnectedToKafka)
        .register("worker", metrics::isRunning)
        // Holds frame partitions, or is a deliberate idle standby (it logs so): not before.
        .register("partitions", worker::isReady);
    this.server = MetricsServer.start(
        "0.0.0.0", config.getInt(WorkerConfig.METRICS_PORT), registry, readiness);
    this.bankSizes = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "clipline-bank-sizes");
      t.setDaemon(true);
      return t;
    });
    bankSizes.scheduleAtFixedRate(
        () -> metrics.bankSizes(scorer.prototypesByScope()), 5, 5, TimeUnit.SECONDS);
  }

  void start() {
    worker.start();
  }

  InferenceWorker worker() {
    return worker;
  }

  ModelFrameScorer scorer() {
    return scorer;
  }

  URI metricsUri() {
    return server.uri();
  }

  @Override
  public void close() {
    // Reverse order of creation: the worker stops using the scorer before the model closes,
    // and the metrics endpoint answers until the worker is down.
    worker.close();
    bankSizes.shutdownNow();
    server.close();
    metrics.close();
    jvm.close();
    registry.close();
    scorer.close();
  }
}
