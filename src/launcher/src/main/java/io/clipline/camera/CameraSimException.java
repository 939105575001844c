package io.clipline.camera;

/** Root of the camera simulator's unchecked exceptions. */
public class CameraSimException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CameraSimException(String message) {
    super(message);
  }

  public CameraSimException(String message, Throwable cause) {
    super(message, cause);
  }
}
