package io.clipline.model;

import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import java.util.Objects;

/**
 * How the encoders open their ONNX Runtime sessions.
 *
 * @param provider the execution provider asked for; see {@link ProviderChoice}
 * @param requireGpu fail instead of falling back to the CPU
 * @param intraOpThreads threads per operator; 0 lets ONNX Runtime choose
 * @param deviceId the GPU to run on, for CUDA and TensorRT
 * @param preferFp16 open the manifest's {@code image.fp16File} instead of {@code image.file} when
 *     the manifest names one
 * @param optimisation ONNX Runtime's graph optimisation level
 */
public record InferenceOptions(
    ExecutionProvider provider,
    boolean requireGpu,
    int intraOpThreads,
    int deviceId,
    boolean preferFp16,
    OptLevel optimisation) {

  public InferenceOptions {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(optimisation, "optimisation");
    if (intraOpThreads < 0) {
      throw new IllegalArgumentException(
          "intraOpThreads: expected >= 0 (0 = ONNX Runtime's default), got " + intraOpThreads);
    }
    if (deviceId < 0) {
      throw new IllegalArgumentException("deviceId: expected >= 0, got " + deviceId);
    }
    if (requireGpu && provider == ExecutionProvider.CPU) {
      throw new IllegalArgumentException(
          "provider=CPU contradicts requireGpu=true: ask for AUTO, CUDA or TENSORRT, or unset"
              + " requireGpu");
    }
  }

  /** AUTO provider, no GPU required, default threads, device 0, fp32, all graph optimisations. */
  public static InferenceOptions defaults() {
    return new InferenceOptions(ExecutionProvider.AUTO, false, 0, 0, false, OptLevel.ALL_OPT);
  }

  /** These options with another provider request. */
  public InferenceOptions withProvider(ExecutionProvider newProvider) {
    return new InferenceOptions(
        newProvider, requireGpu, intraOpThreads, deviceId, preferFp16, optimisation);
  }
}
