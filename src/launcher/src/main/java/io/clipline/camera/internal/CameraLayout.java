package io.clipline.camera.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Which camera sends the k-th frame, and which item it shows. Cameras are ordered line by line,
 * station by station; frames go round-robin over all cameras, so in round r every camera sends
 * its frame number r and the cameras of one station see that station's item r one after another.
 */
public final class CameraLayout {
  private final List<CameraPosition> cameras;
  private final String runTag;

  /**
   * @param runTag distinguishes this run's item ids from those of earlier runs on the same topic
   */
  public CameraLayout(int lines, int camerasPerLine, int camerasPerStation, String runTag) {
    if (lines < 1 || camerasPerLine < 1 || camerasPerStation < 1) {
      throw new IllegalArgumentException("lines, camerasPerLine and camerasPerStation must be"
          + " at least 1, got " + lines + ", " + camerasPerLine + ", " + camerasPerStation);
    }
    List<CameraPosition> all = new ArrayList<>();
    for (int line = 1; line <= lines; line++) {
      for (int onLine = 0; onLine < camerasPerLine; onLine++) {
        String lineId = "line-" + line;
        String stationId = "station-" + (onLine / camerasPerStation + 1);
        String cameraId =
            lineId + "/" + stationId + "/cam-" + (onLine % camerasPerStation + 1);
        all.add(new CameraPosition(all.size(), lineId, stationId, cameraId));
      }
    }
    this.cameras = List.copyOf(all);
    this.runTag = runTag;
  }

  public List<CameraPosition> cameras() {
    return cameras;
  }

  public int size() {
    return cameras.size();
  }

  /** The camera that sends the frame with this global index. */
  public CameraPosition cameraOf(long frameIndex) {
    return cameras.get((int) (frameIndex % cameras.size()));
  }

  /** The camera's own sequence number for the frame with this global index. */
  public long sequenceOf(long frameIndex) {
    return frameIndex / cameras.size();
  }

  /** The item the frame with this global index shows: one per station and round. */
  public String itemOf(long frameIndex) {
    CameraPosition camera = cameraOf(frameIndex);
    return "item-" + runTag + "-" + camera.lineId() + "-" + camera.stationId() + "-"
        + sequenceOf(frameIndex);
  }
}
