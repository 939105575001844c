package io.clipline.camera.internal;

/**
 * When each frame is due at a steady total rate: frame k is due {@code (k - anchorIndex) / fps}
 * seconds after the anchor. Due times are computed from the index, never accumulated, so they do
 * not drift. When the sender falls behind by more than a limit (a GC pause, a slow broker), {@link
 * #catchUp} moves the anchor instead of sending the backlog as a burst.
 */
public record PacingSchedule(double framesPerSecond, long anchorNanos, long anchorIndex) {
  public PacingSchedule {
    if (!(framesPerSecond > 0) || Double.isInfinite(framesPerSecond)) {
      throw new IllegalArgumentException(
          "framesPerSecond must be a positive finite number, got " + framesPerSecond);
    }
  }

  /** A schedule whose frame 0 is due at {@code startNanos}. */
  public static PacingSchedule startingAt(double framesPerSecond, long startNanos) {
    return new PacingSchedule(framesPerSecond, startNanos, 0);
  }

  /** When frame {@code frameIndex} is due, on the same clock as the anchor. */
  public long dueNanos(long frameIndex) {
    return anchorNanos + Math.round((frameIndex - anchorIndex) * (1e9 / framesPerSecond));
  }

  /** How long to wait at {@code nowNanos} before sending frame {@code frameIndex}; 0 = now. */
  public long waitNanos(long frameIndex, long nowNanos) {
    return Math.max(0, dueNanos(frameIndex) - nowNanos);
  }

  /**
   * This schedule, or one re-anchored so that frame {@code frameIndex} is due now when it is
   * more than {@code maxLagNanos} late; the frames after it then follow at the normal spacing.
   */
  public PacingSchedule catchUp(long frameIndex, long nowNanos, long maxLagNanos) {
    if (nowNanos - dueNanos(frameIndex) > maxLagNanos) {
      return new PacingSchedule(framesPerSecond, nowNanos, frameIndex);
    }
    return this;
  }
}
