package io.clipline.model;

/**
 * Thrown when a model folder cannot be used: the folder or its manifest is missing or invalid, an
 * ONNX file does not match the manifest, an execution provider cannot be had, or ONNX Runtime fails
 * while running a model. The message names the folder, file or manifest key concerned; an
 * underlying ONNX Runtime or I/O failure is kept as the cause.
 */
public class ModelException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ModelException(String message) {
    super(message);
  }

  public ModelException(String message, Throwable cause) {
    super(message, cause);
  }
}
