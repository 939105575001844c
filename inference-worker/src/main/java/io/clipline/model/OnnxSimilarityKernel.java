package io.clipline.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.clipline.scoring.SimilarityKernel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * The scoring engine's similarity product run by ONNX Runtime, on the execution provider the
 * options choose (CUDA on a GPU machine, MLAS's vectorised GEMM on a CPU): on one CPU thread the
 * whole engine scores a CLIP-sized frame (4 layers of 768 dims) 6.7x faster than with its Java
 * kernel, and a texture-model frame 1.3x (docs/BENCHMARKS.md). The graph is one Gemm,
 * {@code y = a · bᵀ}, made by {@code src/models/make_similarity_kernel.py}.
 *
 * <p>Products smaller than {@code javaBelow} multiply-adds stay in Java, where a call costs less
 * than ONNX Runtime's per-run overhead. Results differ from {@link SimilarityKernel#JAVA} by
 * float rounding only; the same inputs always give the same outputs on one machine. Thread-safe:
 * ONNX Runtime's session runs calls from several threads at once, and each calling thread has its
 * own buffers (an engine with a bank executor calls it from each of its threads). Close it, after
 * the last call, to free the session.
 *
 * <pre>{@code
 * try (OnnxSimilarityKernel kernel = OnnxSimilarityKernel.open(options, 1 << 20)) {
 *   ScoringEngine engine = new ScoringEngine(ScoringConfig.defaults(), kernel);
 *   ...
 * }
 * }</pre>
 */
public final class OnnxSimilarityKernel implements SimilarityKernel, AutoCloseable {
  private static final String GRAPH = "similarity.onnx";

  private final NativeSession session;
  private final long javaBelow;
  // Direct buffers reused between one thread's calls: ONNX Runtime reads inputs and writes the
  // pinned output in place, so a call copies each matrix once instead of allocating three copies.
  private final ThreadLocal<Buffers> buffers = ThreadLocal.withInitial(Buffers::new);

  private OnnxSimilarityKernel(NativeSession session, long javaBelow) {
    this.session = session;
    this.javaBelow = javaBelow;
  }

  /**
   * Opens the kernel's session with {@code options} (provider, device, threads).
   *
   * @param javaBelow products of fewer multiply-adds ({@code n * m * dim}) run in Java
   */
  public static OnnxSimilarityKernel open(InferenceOptions options, long javaBelow) {
    if (javaBelow < 0) {
      throw new IllegalArgumentException("javaBelow must be >= 0, got " + javaBelow);
    }
    return new OnnxSimilarityKernel(
        NativeSession.open("similarity kernel", graph(), options), javaBelow);
  }

  private static byte[] graph() {
    try (InputStream in = OnnxSimilarityKernel.class.getResourceAsStream(GRAPH)) {
      if (in == null) {
        throw new ModelException("the similarity kernel graph " + GRAPH
            + " is missing from the classpath (io/clipline/model/)");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the similarity kernel graph", e);
    }
  }

  /** The provider the kernel runs on. */
  public ProviderChoice provider() {
    return session.provider();
  }

  @Override
  public void multiplyTransposed(float[] a, int n, float[] b, int m, int dim, float[] out) {
    if ((long) n * m * dim < javaBelow || n == 0 || m == 0) {
      SimilarityKernel.JAVA.multiplyTransposed(a, n, b, m, dim, out);
      return;
    }
    Buffers own = buffers.get();
    FloatBuffer left = own.left = fill(own.left, a, n * dim);
    FloatBuffer right = own.right = fill(own.right, b, m * dim);
    if (own.product.capacity() < n * m) {
      own.product = direct(n * m);
    }
    FloatBuffer product = own.product;
    product.clear().limit(n * m);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OnnxTensor x = OnnxTensor.createTensor(env, left, new long[] {n, dim});
        OnnxTensor y = OnnxTensor.createTensor(env, right, new long[] {m, dim});
        OnnxTensor xy = OnnxTensor.createTensor(env, product, new long[] {n, m});
        OrtSession.Result result =
            session.session().run(Map.of("a", x, "b", y), Map.of("y", xy))) {
      product.rewind();
      product.get(out, 0, n * m);
    } catch (OrtException e) {
      throw new ModelException(session.description() + " failed on " + n + " x " + m + " x "
          + dim + " on " + session.provider().selected() + ": " + e.getMessage(), e);
    }
  }

  /** One calling thread's input and output buffers, grown as products grow. */
  private static final class Buffers {
    FloatBuffer left = direct(0);
    FloatBuffer right = direct(0);
    FloatBuffer product = direct(0);
  }

  private static FloatBuffer fill(FloatBuffer buffer, float[] values, int count) {
    FloatBuffer target = buffer.capacity() < count ? direct(count) : buffer;
    target.clear();
    target.put(values, 0, count).flip();
    return target;
  }

  private static FloatBuffer direct(int floats) {
    return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder())
        .asFloatBuffer();
  }

  /** Frees the session; idempotent. */
  @Override
  public void close() {
    session.close();
  }
}
