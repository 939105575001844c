package io.clipline.model;

/**
 * The ONNX Runtime execution provider a deployment asks for. {@link #AUTO} takes CUDA when the
 * ONNX Runtime on the class path has it and the CPU otherwise; see {@link ProviderChoice} for how a
 * request becomes the provider in use.
 */
public enum ExecutionProvider {
  /** CUDA when available, else CPU, without a warning. */
  AUTO,
  /** NVIDIA CUDA; needs the {@code onnxruntime_gpu} artifact and a GPU. */
  CUDA,
  /** NVIDIA TensorRT, with CUDA behind it for the nodes TensorRT does not take. */
  TENSORRT,
  /** The default CPU provider, always available. */
  CPU
}
