/**
 * The worker's Prometheus meters: {@link io.clipline.worker.metrics.WorkerMetrics} listens to the
 * worker and keeps counters, latency histograms and gauges with bounded tag cardinality.
 */
package io.clipline.worker.metrics;
