package io.clipline.faults;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How long a fault held the line up, from the committed verdicts and when they arrived.
 *
 * @param recovery from the fault until every camera that was being served just before it, and
 *     had frames left, had a committed verdict again that was scored after it: the longest any
 *     camera waited
 * @param catchUp from the fault until every frame captured before that moment had its committed
 *     verdict: the backlog the outage built is cleared
 */
record Recovery(Duration recovery, Duration catchUp) {
  /** Cameras with a verdict arriving within this long before the fault count as served. */
  private static final Duration SERVED_WINDOW = Duration.ofSeconds(5);

  static Recovery of(List<OutputTail.Arrival> verdicts, Instant fault) {
    Set<String> served = new HashSet<>();
    Map<String, Instant> firstAfter = new HashMap<>();
    for (OutputTail.Arrival a : verdicts) {
      if (a.arrived().isBefore(fault) && a.arrived().isAfter(fault.minus(SERVED_WINDOW))) {
        served.add(a.cameraId());
      }
      if (a.verdictTime().isAfter(fault)) {
        firstAfter.merge(a.cameraId(), a.arrived(), (x, y) -> x.isBefore(y) ? x : y);
      }
    }
    // A camera with no verdict after the fault had no frames left (the audit finds none lost).
    served.retainAll(firstAfter.keySet());
    if (served.isEmpty()) {
      throw new AssertionError("no camera was served in the " + SERVED_WINDOW
          + " before the fault at " + fault + " and again after it");
    }
    Instant resumed = fault;
    for (String camera : served) {
      Instant first = firstAfter.get(camera);
      resumed = first.isAfter(resumed) ? first : resumed;
    }
    Instant caughtUp = resumed;
    for (OutputTail.Arrival a : verdicts) {
      if (a.captureTime().isBefore(resumed) && a.arrived().isAfter(caughtUp)) {
        caughtUp = a.arrived();
      }
    }
    return new Recovery(Duration.between(fault, resumed), Duration.between(fault, caughtUp));
  }
}
