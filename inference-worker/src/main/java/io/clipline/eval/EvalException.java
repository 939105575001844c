package io.clipline.eval;

/** An evaluation that cannot run: missing dataset, unknown layout, bad manifest. */
public class EvalException extends RuntimeException {
  public EvalException(String message) {
    super(message);
  }

  public EvalException(String message, Throwable cause) {
    super(message, cause);
  }
}
