package io.clipline.observability;

/** Root of the unchecked exceptions of the observability module; the message says what and where. */
public class ObservabilityException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ObservabilityException(String message, Throwable cause) {
    super(message, cause);
  }
}
