package io.clipline.observability;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;

/**
 * The JVM and process meters every Clipline process exports: memory, GC, threads, class
 * loading, CPU, uptime and open files ({@code jvm_*}, {@code process_*}, {@code system_*}).
 *
 * <p>Closing it stops listening for GC notifications; the meters stay registered.
 */
public final class JvmProcessMetrics implements AutoCloseable {
  private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
  private volatile boolean closed;

  private JvmProcessMetrics() {}

  /** Binds every JVM and process meter to {@code registry}. */
  public static JvmProcessMetrics bindTo(MeterRegistry registry) {
    JvmProcessMetrics metrics = new JvmProcessMetrics();
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    metrics.gcMetrics.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new JvmInfoMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    return metrics;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    gcMetrics.close();
  }
}
