package io.clipline.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns one ONNX Runtime session and the options it was created with, and checks the session's
 * inputs and outputs against the manifest. Shared by the image and text encoders; not part of the
 * API, so that no ONNX Runtime type leaves this package.
 */
final class NativeSession implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NativeSession.class);

  private final OrtSession.SessionOptions sessionOptions;
  private final OrtSession session;
  private final ProviderChoice provider;
  private final String description;
  private static final long SESSION_CREATE_STACK_BYTES = 64L << 20;

  private volatile boolean closed;

  private NativeSession(
      OrtSession.SessionOptions sessionOptions,
      OrtSession session,
      ProviderChoice provider,
      String description) {
    this.sessionOptions = sessionOptions;
    this.session = session;
    this.provider = provider;
    this.description = description;
  }

  /**
   * Chooses the provider (logging the choice) and opens {@code file}.
   *
   * @param what what the file is, for messages: "image tower of texture-v1"
   */
  static NativeSession open(String what, Path file, InferenceOptions options) {
    return open(what + " (" + file.getFileName() + ")", what + " (" + file.toAbsolutePath() + ")",
        (env, o) -> env.createSession(file.toString(), o), options);
  }

  /**
   * Chooses the provider (logging the choice) and opens a graph held in memory.
   *
   * @param what what the graph is, for messages: "similarity kernel"
   */
  static NativeSession open(String what, byte[] model, InferenceOptions options) {
    return open(what, what, (env, o) -> env.createSession(model, o), options);
  }

  /** Creates a session from some source of the graph. */
  @FunctionalInterface
  private interface SessionSource {
    OrtSession create(OrtEnvironment env, OrtSession.SessionOptions options) throws OrtException;
  }

  private static NativeSession open(
      String shortName, String description, SessionSource source, InferenceOptions options) {
    Set<OrtProvider> available = OrtEnvironment.getAvailableProviders();
    ProviderChoice choice = choose(shortName, options, available);
    OrtSession.SessionOptions sessionOptions = new OrtSession.SessionOptions();
    try {
      sessionOptions.setOptimizationLevel(options.optimisation());
      if (options.intraOpThreads() > 0) {
        sessionOptions.setIntraOpNumThreads(options.intraOpThreads());
      }
      switch (choice.selected()) {
        case TENSORRT:
          sessionOptions.addTensorrt(options.deviceId());
          if (available.contains(OrtProvider.CUDA)) {
            sessionOptions.addCUDA(options.deviceId()); // for the nodes TensorRT does not take
          }
          break;
        case CUDA:
          sessionOptions.addCUDA(options.deviceId());
          break;
        default:
          break;
      }
      OrtSession session = createOnLargeStack(description, source, sessionOptions);
      return new NativeSession(sessionOptions, session, choice, description);
    } catch (OrtException e) {
      sessionOptions.close();
      throw new ModelException(
          "Cannot open " + description + " on " + choice.selected() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Creates the session on a thread of its own with a large stack. Graph optimisation in
   * ONNX Runtime 1.29 recurses deeply: on a JVM thread's default 1 MiB stack, creating the
   * session of a ViT export overflowed the native stack and killed the process (SIGSEGV, no
   * Java exception). Running the session afterwards needs no such stack.
   */
  private static OrtSession createOnLargeStack(
      String description, SessionSource source, OrtSession.SessionOptions options)
      throws OrtException {
    OrtSession[] session = new OrtSession[1];
    OrtException[] failure = new OrtException[1];
    RuntimeException[] unexpected = new RuntimeException[1];
    Thread creator = new Thread(null, () -> {
      try {
        // The environment is a process-wide singleton that ONNX Runtime owns; it is never closed.
        session[0] = source.create(OrtEnvironment.getEnvironment(), options);
      } catch (OrtException e) {
        failure[0] = e;
      } catch (RuntimeException e) {
        unexpected[0] = e;
      }
    }, "clipline-ort-session-create", SESSION_CREATE_STACK_BYTES);
    creator.start();
    try {
      creator.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ModelException("interrupted while opening " + description, e);
    }
    if (failure[0] != null) {
      throw failure[0];
    }
    if (unexpected[0] != null) {
      throw unexpected[0];
    }
    return session[0];
  }

  /** Decides the provider and logs it: one INFO line, preceded by one WARN line on a fallback. */
  static ProviderChoice choose(String what, InferenceOptions options, Set<OrtProvider> available) {
    ProviderChoice choice =
        ProviderChoice.decide(options.provider(), options.requireGpu(), available);
    if (choice.isFallback()) {
      LOG.warn("{}: {}", what, choice.reason());
    }
    LOG.info("{} runs on {}: {}", what, choice.selected(), choice.reason());
    return choice;
  }

  OrtSession session() {
    if (closed) {
      throw new IllegalStateException(description + " is closed");
    }
    return session;
  }

  ProviderChoice provider() {
    return provider;
  }

  String description() {
    return description;
  }

  /**
   * Checks that the session's only input is {@code name}, of {@code type} and {@code shape}
   * ({@code -1}: any size; the batch dimension, first, must be symbolic in the model).
   */
  void checkInput(String key, String name, OnnxJavaType type, long[] shape) {
    Map<String, NodeInfo> inputs = info(true);
    if (!inputs.containsKey(name)) {
      throw mismatch(key + ": no input '" + name + "'; expected one of " + inputs.keySet());
    }
    if (inputs.size() != 1) {
      throw mismatch(
          key + ": '" + name + "' must be the only input, the model has " + inputs.keySet());
    }
    checkTensor(key, name, inputs.get(name).getInfo(), type, shape);
  }

  /** Checks that the session has an output {@code name} of {@code type} and {@code shape}. */
  void checkOutput(String key, String name, OnnxJavaType type, long[] shape) {
    Map<String, NodeInfo> outputs = info(false);
    if (!outputs.containsKey(name)) {
      throw mismatch(
          key + ": no output '" + name + "'; expected one of " + outputs.keySet());
    }
    checkTensor(key, name, outputs.get(name).getInfo(), type, shape);
  }

  private void checkTensor(
      String key, String name, ValueInfo info, OnnxJavaType type, long[] shape) {
    if (!(info instanceof TensorInfo)) {
      throw mismatch(key + ": '" + name + "' is not a tensor: " + info);
    }
    TensorInfo tensor = (TensorInfo) info;
    long[] actual = tensor.getShape();
    boolean shapeMatches = actual.length == shape.length;
    for (int i = 0; shapeMatches && i < shape.length; i++) {
      // The batch dimension must be symbolic; other sizes must match where both are fixed.
      shapeMatches =
          i == 0 ? actual[0] < 0 : shape[i] < 0 || actual[i] < 0 || actual[i] == shape[i];
    }
    if (tensor.type != type || !shapeMatches) {
      throw mismatch(
          key + ": expected '" + name + "' to be " + type + " " + dims(shape) + ", got "
              + tensor.type + " " + dims(actual));
    }
  }

  private Map<String, NodeInfo> info(boolean inputs) {
    try {
      return inputs ? session().getInputInfo() : session().getOutputInfo();
    } catch (OrtException e) {
      throw new ModelException("Cannot read the signature of " + description, e);
    }
  }

  private ModelException mismatch(String problem) {
    return new ModelException(description + " does not match the manifest: " + problem);
  }

  /** Formats a shape with symbolic dimensions as N (batch) or ?. */
  static String dims(long[] shape) {
    String[] parts = new String[shape.length];
    for (int i = 0; i < shape.length; i++) {
      parts[i] = shape[i] >= 0 ? Long.toString(shape[i]) : i == 0 ? "N" : "?";
    }
    return Arrays.toString(parts);
  }

  /** Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    // Reverse order of creation: the session was created from the options and may still use them.
    try {
      session.close();
    } catch (OrtException e) {
      throw new ModelException("Cannot close " + description, e);
    } finally {
      sessionOptions.close();
    }
  }
}
