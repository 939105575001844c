package io.clipline.worker.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BoundedTagValuesTest {
  private final AtomicInteger overflows = new AtomicInteger();
  private final BoundedTagValues cameras = new BoundedTagValues("camera", 2, overflows::incrementAndGet);

  @Test
  void shouldKeepValuesWhenUnderTheLimit() {
    assertEquals("L1/S1/C1", cameras.admit("L1/S1/C1"));
    assertEquals("L1/S1/C2", cameras.admit("L1/S1/C2"));
    assertEquals("L1/S1/C1", cameras.admit("L1/S1/C1"));
    assertEquals(0, overflows.get());
  }

  @Test
  void shouldFoldNewcomersIntoOtherWhenTheLimitIsReached() {
    cameras.admit("L1/S1/C1");
    cameras.admit("L1/S1/C2");

    assertEquals("other", cameras.admit("L1/S1/C3"));
    assertEquals("L1/S1/C2", cameras.admit("L1/S1/C2"));
    assertEquals(1, overflows.get());
  }

  @Test
  void shouldReadUnknownWithoutUsingAPlaceWhenTheValueIsMissing() {
    assertEquals("unknown", cameras.admit(null));
    assertEquals("unknown", cameras.admit(" "));

    assertEquals("L1/S1/C1", cameras.admit("L1/S1/C1"));
    assertEquals("L1/S1/C2", cameras.admit("L1/S1/C2"));
  }

  @Test
  void shouldRefuseTheLimitWhenBelowOne() {
    assertThrows(IllegalArgumentException.class, () -> new BoundedTagValues("camera", 0, () -> {}));
  }
}
