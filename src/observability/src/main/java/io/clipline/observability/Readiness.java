package io.clipline.observability;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Named checks that must all pass before a process takes traffic, for example {@code kafka}
 * (connected), {@code model} (loaded) and {@code prompts} (embedded).
 *
 * <p>A process with no checks registered is ready. A check that throws counts as failing. Checks
 * run on the HTTP thread at every probe, so they must be cheap and thread-safe; reading a
 * volatile flag or a gauge is the intended use.
 */
public final class Readiness {
  private static final Logger LOG = LoggerFactory.getLogger(Readiness.class);

  private final Map<String, BooleanSupplier> checks = new ConcurrentSkipListMap<>();

  /**
   * Adds a check.
   *
   * @throws IllegalArgumentException when a check of that name is already registered
   */
  public Readiness register(String name, BooleanSupplier check) {
    Objects.requireNonNull(check, "check");
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("readiness check name must be non-blank, got '" + name + "'");
    }
    if (checks.putIfAbsent(name, check) != null) {
      throw new IllegalArgumentException("readiness check '" + name + "' is already registered");
    }
    return this;
  }

  /** Removes the check of that name; does nothing when there is none. */
  public void unregister(String name) {
    checks.remove(name);
  }

  /** Names of the checks that do not pass now, in name order; empty when the process is ready. */
  public List<String> failing() {
    List<String> failing = new ArrayList<>();
    checks.forEach((name, check) -> {
      if (!passes(name, check)) {
        failing.add(name);
      }
    });
    return failing;
  }

  public boolean isReady() {
    return failing().isEmpty();
  }

  private static boolean passes(String name, BooleanSupplier check) {
    try {
      return check.getAsBoolean();
    } catch (RuntimeException e) {
      LOG.debug("readiness check '{}' threw, counted as failing: {}", name, e.toString());
      return false;
    }
  }
}
