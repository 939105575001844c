package io.clipline.bench;

import io.clipline.broker.LocalKafka;
import io.clipline.imaging.DecodedFrame;
import io.clipline.imaging.FrameDecoder;
import io.clipline.imaging.FrameLimits;
import io.clipline.imaging.PixelEncoding;
import io.clipline.imaging.Preprocessor;
import io.clipline.inference.ModelFrameScorer;
import io.clipline.model.ImageEncoder;
import io.clipline.model.InferenceOptions;
import io.clipline.model.ModelManifest;
import io.clipline.schemas.CameraFrame;
import io.clipline.schemas.FrameEncoding;
import io.clipline.schemas.FrameVerdict;
import io.clipline.schemas.serde.AvroSerde;
import io.clipline.schemas.topic.TopicCatalog;
import io.clipline.worker.InferenceWorker;
import io.clipline.worker.WorkerConfig;
import io.clipline.worker.WorkerListener;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * End-to-end throughput of the worker against bare ONNX Runtime on the same model and batch
 * size, measured in one run on one machine.
 *
 * <p>Bare: frames already decoded and preprocessed, only {@link ImageEncoder#encode} timed.
 * Worker: frames already on the (in-process) broker; the worker consumes, decodes, batches,
 * infers, scores and commits verdicts; timed from the first committed verdict to the last, so
 * start-up and the first batch are not counted.
 *
 * <p>Usage: {@code WorkerThroughputBench [modelDir] [frames] [batch] [size] [threads]
 * [positionalWeight] [scoringThreads]}; size is {@code N} (square) or {@code WxH}; threads are
 * ONNX Runtime's intra-op threads in both measurements (0, the default, lets ONNX Runtime choose
 * one per core in the bare path, and the worker its own default); positionalWeight is the worker's
 * {@code scoring.positional.weight} and scoringThreads its {@code scoring.threads} (default: the
 * worker's).
 *
 * <p>Under a tiling resize mode ({@code LETTERBOX}, {@code TILE}) the worker path decodes, tiles,
 * infers and stitches every frame through the same {@code FeatureExtractor} as in production,
 * and the bare path times the tower on the same tiles (all tiles of a batch in one run), so the
 * ratio shows what decoding, tiling and stitching cost.
 */
public final class WorkerThroughputBench {
  private WorkerThroughputBench() {}

  public static void main(String[] args) throws Exception {
    Path model = Path.of(args.length > 0 ? args[0] : "src/models/imagenet-mnv2");
    int frames = args.length > 1 ? Integer.parseInt(args[1]) : 400;
    int batch = args.length > 2 ? Integer.parseInt(args[2]) : 8;
    String[] dims = (args.length > 3 ? args[3] : "256").split("x");
    int width = Integer.parseInt(dims[0]);
    int height = dims.length > 1 ? Integer.parseInt(dims[1]) : width;
    int threads = args.length > 4 ? Integer.parseInt(args[4]) : 0;
    String positionalWeight = args.length > 5 ? args[5] : null;
    String scoringThreads = args.length > 6 ? args[6] : null;
    List<byte[]> jpegs = syntheticJpegs(Math.min(frames, 64), width, height);
    System.out.printf(Locale.ROOT,
        "model %s, %d frames of %dx%d JPEG, batch %d, %d cores, ONNX Runtime threads %s%n",
        model, frames, width, height, batch, Runtime.getRuntime().availableProcessors(),
        threads == 0 ? "default" : threads);

    double bare = bareOnnxRuntime(model, jpegs, frames, batch, threads);
    System.out.printf(Locale.ROOT, "bare ONNX Runtime: %.1f frames/s%n", bare);
    double worker =
        wholeWorker(model, jpegs, frames, batch, threads, positionalWeight, scoringThreads);
    System.out.printf(Locale.ROOT, "whole worker:      %.1f frames/s%n", worker);
    System.out.printf(Locale.ROOT, "ratio worker/bare: %.2f%n", worker / bare);
  }

  static double bareOnnxRuntime(
      Path model, List<byte[]> jpegs, int frames, int batch, int threads) {
    ModelManifest manifest = ModelManifest.load(model);
    Preprocessor preprocessor = new Preprocessor(manifest.image());
    FrameDecoder decoder = new FrameDecoder(FrameLimits.DEFAULT);
    int sample = preprocessor.sampleSize();
    int images = batch;
    float[] input;
    if (preprocessor.tiling()) {
      List<Preprocessor.PreparedFrame> tiled = new ArrayList<>();
      for (int i = 0; i < batch; i++) {
        tiled.add(preprocessor.prepare(
            decoder.decode(jpegs.get(i % jpegs.size()), PixelEncoding.JPEG, 0, 0)));
      }
      images = tiled.stream().mapToInt(Preprocessor.PreparedFrame::tiles).sum();
      input = new float[images * sample];
      int at = 0;
      for (Preprocessor.PreparedFrame t : tiled) {
        for (int i = 0; i < t.tiles(); i++) {
          t.write(i, input, at++ * sample);
        }
      }
      System.out.printf(Locale.ROOT, "%s: %d tiles per frame%n", manifest.image().resize(),
          images / batch);
    } else {
      input = new float[batch * sample];
      for (int i = 0; i < batch; i++) {
        DecodedFrame frame =
            decoder.decode(jpegs.get(i % jpegs.size()), PixelEncoding.JPEG, 0, 0);
        preprocessor.preprocess(frame, input, i * sample);
      }
    }
    int run = images;
    InferenceOptions d = InferenceOptions.defaults();
    InferenceOptions options = new InferenceOptions(
        d.provider(), d.requireGpu(), threads, d.deviceId(), d.preferFp16(), d.optimisation());
    try (ImageEncoder encoder = ImageEncoder.open(manifest, options)) {
      for (int warm = 0; warm < 3; warm++) {
        encoder.encode(input, run);
      }
      int batches = Math.max(1, frames / batch);
      long start = System.nanoTime();
      for (int b = 0; b < batches; b++) {
        encoder.encode(input, run);
      }
      return batches * batch / ((System.nanoTime() - start) / 1e9);
    }
  }

  static double wholeWorker(Path model, List<byte[]> jpegs, int frames, int batch, int threads,
      String positionalWeight, String scoringThreads) throws Exception {
    try (LocalKafka kafka = LocalKafka.temporary("clipline-bench-", TopicCatalog.all())) {
      produce(kafka.bootstrapServers(), jpegs, frames);
      Map<String, Object> props = new HashMap<>();
      props.put(WorkerConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
      props.put(WorkerConfig.WORKER_ID, "bench");
      if (positionalWeight != null) {
        props.put(WorkerConfig.SCORING_POSITIONAL_WEIGHT, positionalWeight);
      }
      if (scoringThreads != null) {
        props.put(WorkerConfig.SCORING_THREADS, scoringThreads);
      }
      props.put(WorkerConfig.MODEL_DIR, model.toString());
      props.put(WorkerConfig.BATCH_MAX_FRAMES, batch);
      props.put(WorkerConfig.INFERENCE_THREADS, threads);
      props.put(WorkerConfig.INFLIGHT_MAX_FRAMES, Math.max(64, 4 * batch));
      WorkerConfig config = new WorkerConfig(props);
      CountDownLatch done = new CountDownLatch(frames);
      AtomicLong firstBatchFrames = new AtomicLong();
      AtomicLong start = new AtomicLong();
      AtomicLong last = new AtomicLong();
      AtomicLong batches = new AtomicLong();
      AtomicLong scoring = new AtomicLong();
      WorkerListener timing = new WorkerListener() {
        @Override
        public void onBatchWritten(int batchFrames, long scoringNanos) {
          batches.incrementAndGet();
          scoring.addAndGet(scoringNanos);
          // The clock starts once the first batch is through: start-up is not throughput.
          if (firstBatchFrames.compareAndSet(0, batchFrames)) {
            start.set(System.nanoTime());
          }
        }

        @Override
        public void onVerdict(FrameVerdict verdict) {
          last.set(System.nanoTime());
          done.countDown();
        }
      };
      try (ModelFrameScorer scorer = ModelFrameScorer.open(config);
          InferenceWorker worker = new InferenceWorker(config, scorer, timing)) {
        worker.start();
        if (!done.await(10, TimeUnit.MINUTES)) {
          throw new IllegalStateException("only " + (frames - done.getCount()) + " of " + frames
              + " verdicts after 10 minutes");
        }
      }
      double seconds = (last.get() - start.get()) / 1e9;
      System.out.printf(Locale.ROOT, "worker: %d batches, mean %.1f frames/batch, model+scoring latency"
          + " %.1f ms/batch, wall %.1f ms/batch%n", batches.get(), frames / (double) batches.get(),
          scoring.get() / 1e6 / batches.get(), seconds * 1e3 / (batches.get() - 1));
      return (frames - firstBatchFrames.get()) / seconds;
    }
  }

  private static void produce(String bootstrap, List<byte[]> jpegs, int frames) throws Exception {
    AvroSerde<CameraFrame> serde = AvroSerde.of(CameraFrame.class);
    try (KafkaProducer<String, CameraFrame> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG, TopicCatalog.MAX_FRAME_BYTES),
        new StringSerializer(), serde)) {
      List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
      for (int i = 0; i < frames; i++) {
        String camera = "line-1/station-1/cam-" + (i % 4);
        CameraFrame frame = CameraFrame.newBuilder()
            .setFrameId("bench-" + i).setCameraId(camera).setLineId("line-1")
            .setStationId("station-1").setSequence(i).setCaptureTime(Instant.now())
            .setProduct("bench").setEncoding(FrameEncoding.JPEG)
            .setImage(ByteBuffer.wrap(jpegs.get(i % jpegs.size()))).setAttributes(Map.of())
            .build();
        sent.add(producer.send(new ProducerRecord<>(TopicCatalog.FRAMES.name(), camera, frame)));
      }
      for (java.util.concurrent.Future<?> f : sent) {
        f.get();
      }
    }
  }

  /** Noise on a sinusoidal texture: decodes like a camera frame, compresses like one. */
  static List<byte[]> syntheticJpegs(int count, int size) throws IOException {
    return syntheticJpegs(count, size, size);
  }

  /** As {@link #syntheticJpegs(int, int)}, {@code width × height}. */
  static List<byte[]> syntheticJpegs(int count, int width, int height) throws IOException {
    Random random = new Random(42);
    List<byte[]> out = new ArrayList<>();
    for (int n = 0; n < count; n++) {
      BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          double v = 128 + 40 * Math.sin(x * 0.3) * Math.cos(y * 0.2) + random.nextGaussian() * 12;
          image.getRaster().setSample(x, y, 0, (int) Math.max(0, Math.min(255, v)));
        }
      }
      try (ByteArrayOutputStream bytes = new ByteArrayOutputStream()) {
        ImageIO.write(image, "jpg", bytes);
        out.add(bytes.toByteArray());
      }
    }
    return out;
  }
}
