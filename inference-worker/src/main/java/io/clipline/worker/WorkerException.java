package io.clipline.worker;

/** The worker cannot go on: a fatal Kafka error, a frame refused under error.policy=FAIL. */
public class WorkerException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public WorkerException(String message, Throwable cause) {
    super(message, cause);
  }
}
