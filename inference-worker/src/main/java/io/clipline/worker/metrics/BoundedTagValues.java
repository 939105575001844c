package io.clipline.worker.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Admits at most {@code limit} distinct values of one tag; later newcomers share {@link #OTHER},
 * so a misconfigured camera fleet cannot blow up Prometheus. A missing value reads as
 * {@link #UNKNOWN}, which does not use up a place.
 */
final class BoundedTagValues {
  static final String OTHER = "other";
  static final String UNKNOWN = "unknown";

  private final String tag;
  private final int limit;
  private final Set<String> admitted = ConcurrentHashMap.newKeySet();
  private final Runnable onOverflow;

  BoundedTagValues(String tag, int limit, Runnable onOverflow) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit of distinct '" + tag + "' values must be >= 1, got " + limit);
    }
    this.tag = tag;
    this.limit = limit;
    this.onOverflow = onOverflow;
  }

  /** The tag value to use for {@code value}: itself, {@code unknown} or {@code other}. */
  String admit(String value) {
    if (value == null || value.isBlank()) {
      return UNKNOWN;
    }
    if (admitted.contains(value)) {
      return value;
    }
    synchronized (admitted) {
      if (admitted.contains(value) || admitted.size() < limit && admitted.add(value)) {
        return value;
      }
    }
    onOverflow.run();
    return OTHER;
  }

  String tag() {
    return tag;
  }
}
