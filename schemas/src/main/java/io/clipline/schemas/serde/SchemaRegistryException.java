package io.clipline.schemas.serde;

/**
 * Thrown when the schema registry refuses a Clipline schema (for example a change that is not
 * BACKWARD compatible with the subject's latest version) or cannot be reached; the message
 * names the registry and the subject.
 */
public class SchemaRegistryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SchemaRegistryException(String message, Throwable cause) {
    super(message, cause);
  }
}
