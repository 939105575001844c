package io.clipline.console.internal;

import io.clipline.schemas.Alert;
import io.clipline.schemas.AlertState;
import io.clipline.schemas.LineStats;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the page shows per line: the newest statistics window of the whole line (records whose
 * cameraId is null) and the open alerts (FIRING, not yet CLEARED; a state this reader does not know changes nothing), at most {@value #MAX_ALERTS}
 * of them. Thread-safe.
 */
public final class LineBoard {
  static final int MAX_ALERTS = 100;
  static final int MAX_LINES = 1000;

  /** lineId → its newest whole-line window. */
  private final Map<String, LineStats> lines = new TreeMap<>();
  /** alertId → its latest FIRING record, oldest first. */
  private final Map<String, Alert> open = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Alert> eldest) {
      return size() > MAX_ALERTS;
    }
  };

  /**
   * Takes a statistics record; the line's window when it changed what the page shows (a
   * per-camera record, one without frames, which has no yield, or an older window does not).
   */
  public synchronized Optional<LineStats> addStats(LineStats stats) {
    if (stats.getCameraId() != null || stats.getFrames() == 0) {
      return Optional.empty();
    }
    LineStats current = lines.get(stats.getLineId());
    if (current != null && current.getWindowStart().isAfter(stats.getWindowStart())) {
      return Optional.empty();
    }
    if (current == null && lines.size() >= MAX_LINES) {
      return Optional.empty();
    }
    lines.put(stats.getLineId(), stats);
    return Optional.of(stats);
  }

  /** Takes an alert record: a FIRING one opens or refreshes its episode, CLEARED closes it. */
  public synchronized void addAlert(Alert alert) {
    if (alert.getState() == AlertState.FIRING) {
      open.put(alert.getAlertId(), alert);
    } else if (alert.getState() == AlertState.CLEARED) {
      open.remove(alert.getAlertId());
    }
  }

  public synchronized List<LineStats> lines() {
    return new ArrayList<>(lines.values());
  }

  /** Open alerts, newest first. */
  public synchronized List<Alert> openAlerts() {
    List<Alert> all = new ArrayList<>(open.values());
    Collections.reverse(all);
    return all;
  }
}
