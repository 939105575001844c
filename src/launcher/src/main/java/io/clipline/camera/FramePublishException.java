package io.clipline.camera;

/** Kafka refused a simulated frame; carries the camera and frame that failed. */
public final class FramePublishException extends CameraSimException {
  private static final long serialVersionUID = 1L;

  private final String cameraId;
  private final String frameId;

  public FramePublishException(String topic, String cameraId, String frameId, Throwable cause) {
    super("cannot publish frame " + frameId + " of camera " + cameraId + " to topic " + topic
        + ": " + cause.getClass().getSimpleName() + ": " + cause.getMessage(), cause);
    this.cameraId = cameraId;
    this.frameId = frameId;
  }

  public String cameraId() {
    return cameraId;
  }

  public String frameId() {
    return frameId;
  }
}
