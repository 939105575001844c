package io.clipline.worker.internal;

/** A frame the worker cannot process, with the stage that refused it and a reason code. */
public final class FrameRejectedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Where in the worker the frame was refused; mirrors the dead-letter stages. Each stage names
   * the first part of its reason codes ({@code stage.detail}, README and {@code DeadLetter}).
   */
  public enum Stage {
    DESERIALIZE("schema"), VALIDATE("validate"), FETCH("fetch"), DECODE("decode"),
    INFERENCE("inference"), SCORING("scoring");

    private final String codePrefix;

    Stage(String codePrefix) {
      this.codePrefix = codePrefix;
    }

    /** The {@code stage} part of this stage's reason codes, as in {@code decode.truncated}. */
    public String codePrefix() {
      return codePrefix;
    }
  }

  private final Stage stage;
  private final String reasonCode;

  /**
   * @param reasonCode {@code stage.detail} in lower case, its {@code stage} part the stage's
   *     {@link Stage#codePrefix}
   * @throws IllegalArgumentException when the code does not follow that rule
   */
  public FrameRejectedException(Stage stage, String reasonCode, String message, Throwable cause) {
    super(message, cause);
    if (!reasonCode.matches("[a-z]+\\.[a-z0-9_]+") || !reasonCode.startsWith(stage.codePrefix() + ".")) {
      throw new IllegalArgumentException("reason code '" + reasonCode + "' of stage " + stage
          + " must be " + stage.codePrefix() + ".detail in lower case");
    }
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
