package io.clipline.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerLabelCountersTest {
  @Test
  void shouldReadOnlyTheLabelCounterWhenTheExpositionHasOtherMeters() {
    String exposition = String.join("\n",
        "# HELP clipline_worker_labels_total Operator label records by outcome",
        "# TYPE clipline_worker_labels_total counter",
        "clipline_worker_labels_total{outcome=\"applied\"} 3.0",
        "clipline_worker_labels_total{instance=\"w1\",outcome=\"unknown_frame\"} 1.0",
        "clipline_worker_labels_total_created{outcome=\"applied\"} 1.7E9",
        "clipline_worker_frames_total{outcome=\"applied\"} 99.0",
        "");

    assertEquals(Map.of("applied", 3L, "unknown_frame", 1L),
        WorkerLabelCounters.parse(exposition));
  }
}
