package io.clipline.bench;

import io.clipline.model.InferenceOptions;
import io.clipline.model.OnnxSimilarityKernel;
import io.clipline.scoring.FrameFeatures;
import io.clipline.scoring.ScoringConfig;
import io.clipline.scoring.ScoringEngine;
import io.clipline.scoring.SimilarityKernel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Scoring time per frame with the engine's Java similarity kernel and with ONNX Runtime's
 * ({@link OnnxSimilarityKernel}), in one run, for feature shapes from the texture model's to a
 * CLIP ViT-B/16 export's. Features are synthetic (a fixed pattern per patch plus noise, as a
 * line would show); every memory is full when timing starts.
 *
 * <p>Usage: {@code KernelScaleBench [frames] [threads]} (default 60 frames, half of them timed;
 * ONNX Runtime's intra-op threads, default 0: one per core; the worker gives it cores - 1).
 */
public final class KernelScaleBench {
  private KernelScaleBench() {}

  /** grid side, layers, dims per layer, what it stands for. */
  private record Shape(int grid, int layers, int dim, String name) {}

  public static void main(String[] args) {
    int frames = args.length > 0 ? Integer.parseInt(args[0]) : 60;
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 0;
    InferenceOptions d = InferenceOptions.defaults();
    InferenceOptions options = new InferenceOptions(
        d.provider(), d.requireGpu(), threads, d.deviceId(), d.preferFp16(), d.optimisation());
    List<Shape> shapes = List.of(
        new Shape(16, 2, 22, "texture-v1 (16x16, 2 x 22)"),
        new Shape(16, 2, 64, "ScoringBench (16x16, 2 x 64)"),
        new Shape(14, 4, 768, "ViT-B/16 at 224, 4 layers (14x14, 4 x 768)"));
    System.out.printf(Locale.ROOT,
        "%d cores, ONNX Runtime threads %s; ms per frame, frames %d-%d of one scope%n",
        Runtime.getRuntime().availableProcessors(), threads == 0 ? "default" : threads,
        frames / 2, frames);
    try (OnnxSimilarityKernel onnx = OnnxSimilarityKernel.open(options, 0)) {
      for (Shape shape : shapes) {
        List<FrameFeatures> stream = stream(shape);
        double java = msPerFrame(SimilarityKernel.JAVA, stream, frames);
        double ort = msPerFrame(onnx, stream, frames);
        System.out.printf(Locale.ROOT, "%-46s java %8.1f   onnxruntime %8.1f   java/onnx %.2f%n",
            shape.name(), java, ort, java / ort);
      }
    }
  }

  private static List<FrameFeatures> stream(Shape shape) {
    Random random = new Random(3);
    int values = shape.grid() * shape.grid() * shape.dim();
    List<float[]> base = new ArrayList<>();
    for (int l = 0; l < shape.layers(); l++) {
      float[] b = new float[values];
      for (int i = 0; i < values; i++) {
        b[i] = (float) random.nextGaussian();
      }
      base.add(b);
    }
    List<FrameFeatures> stream = new ArrayList<>();
    for (int f = 0; f < 16; f++) {
      List<float[]> layers = new ArrayList<>();
      for (float[] b : base) {
        float[] x = b.clone();
        for (int i = 0; i < x.length; i++) {
          x[i] += 0.5f * (float) random.nextGaussian();
        }
        layers.add(x);
      }
      stream.add(FrameFeatures.ofPatches(shape.grid(), shape.grid(), layers, 224, 224));
    }
    return stream;
  }

  private static double msPerFrame(SimilarityKernel kernel, List<FrameFeatures> stream,
      int frames) {
    ScoringEngine engine = new ScoringEngine(ScoringConfig.defaults(), kernel);
    long nanos = 0;
    for (int i = 0; i < frames; i++) {
      long start = System.nanoTime();
      engine.score("bench", stream.get(i % stream.size()));
      if (i >= frames / 2) {
        nanos += System.nanoTime() - start;
      }
    }
    return nanos / 1e6 / (frames - frames / 2);
  }
}
