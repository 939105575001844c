/**
 * What every Clipline process exposes to operators: {@link io.clipline.observability.MetricsServer}
 * serves Prometheus metrics and the liveness and readiness probes that
 * {@link io.clipline.observability.Readiness} decides.
 */
package io.clipline.observability;
