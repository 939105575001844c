package io.clipline.console;

/** The console could not start or serve: a port in use, a topic that cannot be read. */
public class ConsoleException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConsoleException(String message, Throwable cause) {
    super(message, cause);
  }
}
