package io.clipline.pipeline.internal;

import io.clipline.schemas.Alert;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/** The pipeline's Micrometer meters, all under {@code clipline.pipeline.}. */
public final class PipelineMetrics {
  private final MeterRegistry registry;
  private final Timer fusionWait;

  public PipelineMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.fusionWait = Timer.builder("clipline.pipeline.fusion.wait")
        .description("Time from an item's first view to its decision")
        .publishPercentiles(0.5, 0.95, 0.99)
        .register(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** One record written to an output; {@code output} is items, rejects, line-stats or alerts. */
  public void output(String output) {
    counter("clipline.pipeline.output.records", "output", output).increment();
  }

  public void fusionWait(long millis) {
    fusionWait.record(Duration.ofMillis(Math.max(0, millis)));
  }

  public void itemDecided(String cause) {
    counter("clipline.pipeline.items.decided", "cause", cause).increment();
  }

  public void duplicateView() {
    counter("clipline.pipeline.verdicts.duplicate").increment();
  }

  public void viewAfterDecision() {
    counter("clipline.pipeline.verdicts.after.decision").increment();
  }

  public void lateVerdict() {
    counter("clipline.pipeline.verdicts.late").increment();
  }

  public void duplicateReject() {
    counter("clipline.pipeline.rejects.duplicate").increment();
  }

  public void unroutableReject() {
    counter("clipline.pipeline.rejects.unroutable").increment();
  }

  public void statsRecordTooLate() {
    counter("clipline.pipeline.stats.too.late").increment();
  }

  public void alert(Alert alert) {
    counter("clipline.pipeline.alerts", "kind", alert.getKind().name(),
        "state", alert.getState().name()).increment();
  }

  public void deadLetter(String reasonCode) {
    counter("clipline.pipeline.dead.letters", "reason", reasonCode).increment();
  }

  private Counter counter(String name, String... tags) {
    return Counter.builder(name).tags(tags).register(registry);
  }
}
