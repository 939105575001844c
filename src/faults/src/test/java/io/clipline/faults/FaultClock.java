package io.clipline.faults;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Bounded waiting for the scenarios: every wait has a timeout and says what it waited for. */
final class FaultClock {
  private FaultClock() {}

  static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Polls {@code condition} every 100 ms; fails the test with {@code what} after the timeout. */
  static void await(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      sleep(Duration.ofMillis(100));
    }
  }
}
