package io.clipline.camera;

import java.nio.file.Path;

/** A dataset folder or manifest that cannot be used: missing, empty, or in an unknown layout. */
public final class DatasetException extends CameraSimException {
  private static final long serialVersionUID = 1L;

  private final transient Path path;

  public DatasetException(Path path, String message) {
    super(path + ": " + message);
    this.path = path;
  }

  public DatasetException(Path path, String message, Throwable cause) {
    super(path + ": " + message, cause);
    this.path = path;
  }

  /** The folder or file the problem was found in. */
  public Path path() {
    return path;
  }
}
