package io.clipline.camera.internal;

import org.slf4j.Logger;

/** Logs the simulator's progress at INFO, at most once per interval. */
public final class ProgressLog {
  private final Logger log;
  private final long intervalNanos;
  private long lastNanos;
  private long lastFrames;

  public ProgressLog(Logger log, long intervalNanos, long startNanos) {
    this.log = log;
    this.intervalNanos = intervalNanos;
    this.lastNanos = startNanos;
  }

  /** Logs when an interval has passed since the last line. */
  public void maybeLog(long nowNanos, long framesSent, long bytesSent) {
    if (nowNanos - lastNanos < intervalNanos) {
      return;
    }
    double seconds = (nowNanos - lastNanos) / 1e9;
    log.info("camera-sim: {} frames sent ({} MB), {} frames/s over the last {} s", framesSent,
        String.format("%.1f", bytesSent / 1e6), String.format("%.1f", (framesSent - lastFrames) / seconds),
        String.format("%.0f", seconds));
    lastNanos = nowNanos;
    lastFrames = framesSent;
  }
}
