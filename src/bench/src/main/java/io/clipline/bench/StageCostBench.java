package io.clipline.bench;

import io.clipline.imaging.DecodedFrame;
import io.clipline.imaging.FrameDecoder;
import io.clipline.imaging.FrameLimits;
import io.clipline.imaging.PixelEncoding;
import io.clipline.imaging.Preprocessor;
import io.clipline.inference.FeatureExtractor;
import io.clipline.model.ImageEncoder;
import io.clipline.model.ImageFeatures;
import io.clipline.model.InferenceOptions;
import io.clipline.model.ModelManifest;
import io.clipline.model.OnnxSimilarityKernel;
import io.clipline.scoring.FrameFeatures;
import io.clipline.scoring.ScoringConfig;
import io.clipline.scoring.ScoringEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

/**
 * What each of the worker's two stages costs per frame, in one run: the model ({@link
 * ImageEncoder#encode} at the given batch size, ONNX Runtime's default threads) and the scoring
 * engine as the worker runs it (similarities in ONNX Runtime on cores - 1 threads; one scope,
 * every memory full), both on the same real model features. The worker overlaps the two
 * stages, so its throughput is bounded by the slower one when each has its own cores, and by
 * their sum when they share them.
 *
 * <p>The engine is timed twice on the same features, each time from an empty memory: on the
 * calling thread alone, and with its patch banks assessed on {@code scoringThreads} threads (the
 * worker's {@code scoring.threads}); the two checksums of the raw scores must be equal.
 *
 * <p>Usage: {@code StageCostBench [modelDir] [imageFolder|-] [frames] [batch] [scoringThreads]};
 * without an image folder (or with {@code -}) the synthetic JPEGs of {@link WorkerThroughputBench}
 * are used. The folder's images (sorted by name, at most 120) are encoded once and replayed in a
 * loop; the engine is timed over the second half of {@code frames}. scoringThreads defaults to
 * one per core.
 */
public final class StageCostBench {
  private StageCostBench() {}

  public static void main(String[] args) throws Exception {
    Path model = Path.of(args.length > 0 ? args[0] : "src/models/imagenet-mnv2");
    String folder = args.length > 1 ? args[1] : "-";
    int frames = args.length > 2 ? Integer.parseInt(args[2]) : 900;
    int batch = args.length > 3 ? Integer.parseInt(args[3]) : 8;
    int scoringThreads = args.length > 4
        ? Integer.parseInt(args[4]) : Runtime.getRuntime().availableProcessors();
    List<byte[]> images = folder.equals("-")
        ? WorkerThroughputBench.syntheticJpegs(64, 256) : read(Path.of(folder), 120);
    ModelManifest manifest = ModelManifest.load(model);
    Preprocessor preprocessor = new Preprocessor(manifest.image());
    FrameDecoder decoder = new FrameDecoder(FrameLimits.DEFAULT);
    int sample = preprocessor.sampleSize();
    float[] input = new float[batch * sample];
    List<FrameFeatures> features = new ArrayList<>();
    long modelNanos = 0;
    int timedFrames = 0;
    try (ImageEncoder encoder = ImageEncoder.open(manifest, InferenceOptions.defaults())) {
      int batches = Math.max(3, images.size() / batch);
      // Tiling modes: the model stage as the worker runs it, tiling and stitching included.
      FeatureExtractor extractor =
          preprocessor.tiling() ? new FeatureExtractor(manifest, encoder) : null;
      for (int b = 0; b < batches; b++) {
        if (extractor != null) {
          List<DecodedFrame> decoded = new ArrayList<>();
          for (int i = 0; i < batch; i++) {
            byte[] jpeg = images.get((b * batch + i) % images.size());
            decoded.add(decoder.decode(jpeg, PixelEncoding.JPEG, 0, 0));
          }
          long start = System.nanoTime();
          features.addAll(extractor.encode(decoded).frames());
          if (b >= 2) {
            modelNanos += System.nanoTime() - start;
            timedFrames += batch;
          }
          continue;
        }
        for (int i = 0; i < batch; i++) {
          byte[] jpeg = images.get((b * batch + i) % images.size());
          preprocessor.preprocess(decoder.decode(jpeg, PixelEncoding.JPEG, 0, 0), input, i * sample);
        }
        long start = System.nanoTime();
        ImageFeatures out = encoder.encode(input, batch);
        if (b >= 2) { // the first batches warm ONNX Runtime up
          modelNanos += System.nanoTime() - start;
          timedFrames += batch;
        }
        for (int i = 0; i < batch; i++) {
          features.add(FeatureExtractor.frameFeatures(out, i, manifest));
        }
      }
    }
    // The engine as the worker runs it: similarities in ONNX Runtime on cores - 1 threads.
    InferenceOptions d = InferenceOptions.defaults();
    InferenceOptions kernelOptions = new InferenceOptions(d.provider(), d.requireGpu(),
        Math.max(1, Runtime.getRuntime().availableProcessors() - 1), d.deviceId(),
        d.preferFp16(), d.optimisation());
    EngineTiming alone;
    EngineTiming banked;
    try (OnnxSimilarityKernel kernel = OnnxSimilarityKernel.open(kernelOptions, 1L << 20)) {
      alone = time(new ScoringEngine(ScoringConfig.defaults(), kernel), features, frames);
      ExecutorService pool = Executors.newFixedThreadPool(scoringThreads);
      try {
        banked = time(new ScoringEngine(ScoringConfig.defaults(), kernel, pool), features, frames);
      } finally {
        pool.shutdownNow();
      }
    }
    double modelMs = modelNanos / 1e6 / timedFrames;
    System.out.printf(Locale.ROOT, "model %s, %s, batch %d, %d cores%n", model,
        folder.equals("-") ? "synthetic JPEGs" : folder, batch,
        Runtime.getRuntime().availableProcessors());
    System.out.printf(Locale.ROOT, "model stage:  %.2f ms/frame (ONNX Runtime, default threads)%n",
        modelMs);
    System.out.printf(Locale.ROOT, "engine stage: %.2f ms/frame (frames %d-%d of one scope, "
        + "checksum %.6f)%n", alone.msPerFrame(), frames / 2, frames, alone.checksum());
    System.out.printf(Locale.ROOT, "engine stage, banks on %d threads: %.2f ms/frame (checksum "
        + "%.6f), %.2fx%n", scoringThreads, banked.msPerFrame(), banked.checksum(),
        alone.msPerFrame() / banked.msPerFrame());
    System.out.printf(Locale.ROOT, "engine/model: %.2f%n", alone.msPerFrame() / modelMs);
    if (alone.checksum() != banked.checksum()) {
      throw new IllegalStateException("the engine scored differently on " + scoringThreads
          + " bank threads: checksum " + banked.checksum() + " against " + alone.checksum());
    }
  }

  /** The engine's mean time per frame over the second half of the frames, and their checksum. */
  private record EngineTiming(double msPerFrame, double checksum) {}

  private static EngineTiming time(ScoringEngine engine, List<FrameFeatures> features,
      int frames) {
    long nanos = 0;
    double checksum = 0;
    for (int i = 0; i < frames; i++) {
      long start = System.nanoTime();
      checksum += engine.score("bench", features.get(i % features.size())).rawScore();
      if (i >= frames / 2) {
        nanos += System.nanoTime() - start;
      }
    }
    return new EngineTiming(nanos / 1e6 / (frames - frames / 2), checksum);
  }

  private static List<byte[]> read(Path folder, int max) throws IOException {
    List<byte[]> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path p : files.filter(Files::isRegularFile).sorted().limit(max).toList()) {
        out.add(Files.readAllBytes(p));
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no images in " + folder);
    }
    return out;
  }
}
