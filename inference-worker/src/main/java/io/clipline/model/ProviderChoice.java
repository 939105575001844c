package io.clipline.model;

import ai.onnxruntime.OrtProvider;
import java.util.Objects;
import java.util.Set;

/**
 * The execution provider that a session runs on, the one that was asked for, and why they differ
 * when they do. {@link #decide} is a pure function of the request and of the providers the ONNX
 * Runtime build offers, so the whole decision table is testable on a machine without a GPU.
 *
 * <p>Rules: {@code CPU} is always granted. {@code AUTO} takes CUDA when available, else CPU; that
 * is not a fallback. {@code CUDA} falls back to CPU; {@code TENSORRT} falls back to CUDA, then CPU.
 * A fallback away from the GPU fails instead when {@code requireGpu} is set.
 *
 * @param requested the provider asked for
 * @param selected the provider to use: {@code CUDA}, {@code TENSORRT} or {@code CPU}, never {@code
 *     AUTO}
 * @param reason one sentence saying why {@code selected} was chosen, fit for a log line
 */
public record ProviderChoice(
    ExecutionProvider requested, ExecutionProvider selected, String reason) {

  public ProviderChoice {
    Objects.requireNonNull(requested, "requested");
    Objects.requireNonNull(selected, "selected");
    Objects.requireNonNull(reason, "reason");
    if (selected == ExecutionProvider.AUTO) {
      throw new IllegalArgumentException("selected: AUTO is a request, not a provider");
    }
  }

  /**
   * Decides which provider to use.
   *
   * @param requested the provider asked for
   * @param requireGpu whether running on the CPU is an error rather than a fallback
   * @param available the providers of the ONNX Runtime build, as {@code
   *     OrtEnvironment.getAvailableProviders()} reports them
   * @throws ModelException if {@code requireGpu} is set and no GPU provider can be had
   */
  public static ProviderChoice decide(
      ExecutionProvider requested, boolean requireGpu, Set<OrtProvider> available) {
    boolean cuda = available.contains(OrtProvider.CUDA);
    boolean tensorRt = available.contains(OrtProvider.TENSOR_RT);
    String offered = " (this ONNX Runtime offers " + available + ")";
    switch (requested) {
      case CPU:
        return new ProviderChoice(requested, ExecutionProvider.CPU, "CPU requested");
      case TENSORRT:
        if (tensorRt) {
          return new ProviderChoice(requested, ExecutionProvider.TENSORRT, "TensorRT requested");
        }
        if (cuda) {
          return new ProviderChoice(
              requested,
              ExecutionProvider.CUDA,
              "TensorRT requested but not available" + offered + "; falling back to CUDA");
        }
        break;
      case CUDA:
        if (cuda) {
          return new ProviderChoice(requested, ExecutionProvider.CUDA, "CUDA requested");
        }
        break;
      case AUTO:
        if (cuda) {
          return new ProviderChoice(requested, ExecutionProvider.CUDA, "AUTO: CUDA is available");
        }
        break;
    }
    String missing =
        (requested == ExecutionProvider.AUTO ? "AUTO: CUDA" : requested + " requested but")
            + " not available"
            + offered;
    if (requireGpu) {
      throw new ModelException(
          missing
              + " and requireGpu is set; put the GPU build (onnxruntime_gpu) on the class path"
              + " and run on a machine with an NVIDIA GPU, or unset requireGpu");
    }
    return new ProviderChoice(requested, ExecutionProvider.CPU, missing + "; using CPU");
  }

  /** Whether a specific provider was asked for and a different one is used. */
  public boolean isFallback() {
    return requested != ExecutionProvider.AUTO && requested != selected;
  }
}
