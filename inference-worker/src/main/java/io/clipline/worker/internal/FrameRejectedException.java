package io.clipline.worker.internal;

/** A frame the worker cannot process, with the stage that refused it and a reason code. */
public final class FrameRejectedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Where in the worker the frame was refused; mirrors the dead-letter stages. */
  public enum Stage { DESERIALIZE, VALIDATE, FETCH, DECODE, INFERENCE, SCORING }

  private final Stage stage;
  private final String reasonCode;

  public FrameRejectedException(Stage stage, String reasonCode, String message, Throwable cause) {
    super(message, cause);
    this.stage = stage;
    this.reasonCode = reasonCode;
  }

  public Stage stage() {
    return stage;
  }

  /** Machine-readable reason, e.g. {@code decode.truncated}. */
  public String reasonCode() {
    return reasonCode;
  }

  /** The class of the underlying failure, or of this exception when there is none. */
  public String exceptionClass() {
    return (getCause() == null ? this : getCause()).getClass().getName();
  }
}
