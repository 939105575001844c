package io.clipline.model;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.clipline.model.ImageFeatures.PatchLayer;
import io.clipline.model.ModelManifest.ImageTower;
import io.clipline.model.ModelManifest.PatchOutput;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Runs a model folder's image tower with ONNX Runtime: a batch of preprocessed images in, the
 * global embedding and patch tokens out, as plain arrays.
 *
 * <p>The session is checked against the manifest when opened, so a wrong file fails at start-up
 * with the names and shapes expected. Each {@link #encode} call holds native memory only for its
 * own duration; the input is staged in a direct buffer that is reused across calls and grows to
 * the largest batch seen.
 *
 * <p>Not thread-safe: call {@link #encode} from one thread at a time; in the worker that is the
 * model thread ({@code clipline-model}), which runs every model stage. Close it to free the
 * session.
 */
public final class ImageEncoder implements AutoCloseable {
  private final ModelManifest manifest;
  private final ImageTower spec;
  private final NativeSession session;
  private final Set<String> outputNames;
  /** Staging for the input tensor, reused across calls; ONNX Runtime reads it without a copy. */
  private FloatBuffer input = direct(0);
  /** One image's view, written before it is staged; used only when the tower has views. */
  private float[] viewScratch = new float[0];
  private volatile boolean closed;

  private ImageEncoder(ModelManifest manifest, NativeSession session) {
    this.manifest = manifest;
    this.spec = manifest.image();
    this.session = session;
    Set<String> names = new LinkedHashSet<>();
    spec.embedding().ifPresent(names::add);
    spec.patches().forEach(p -> names.add(p.output()));
    this.outputNames = Set.copyOf(names);
  }

  /**
   * Opens the image tower of {@code manifest} and checks it against the manifest.
   *
   * @throws ModelException if the session cannot be created, no acceptable provider is available,
   *     or the model's inputs or outputs differ from the manifest
   */
  public static ImageEncoder open(ModelManifest manifest, InferenceOptions options) {
    ImageTower spec = manifest.image();
    String file = options.preferFp16() ? spec.fp16File().orElse(spec.file()) : spec.file();
    NativeSession session =
        NativeSession.open(
            "image tower of " + manifest.name(), manifest.resolve(file), options);
    try {
      session.checkInput(
          "image.input",
          spec.input(),
          OnnxJavaType.FLOAT,
          new long[] {-1, 3, spec.height(), spec.width()});
      spec.embedding()
          .ifPresent(
              name ->
                  session.checkOutput(
                      "image.embedding", name, OnnxJavaType.FLOAT, new long[] {-1, -1}));
      for (int i = 0; i < spec.patches().size(); i++) {
        PatchOutput patch = spec.patches().get(i);
        session.checkOutput(
            "image.patches[" + i + "].output",
            patch.output(),
            OnnxJavaType.FLOAT,
            new long[] {-1, spec.patchCount(), patch.dim()});
      }
      return new ImageEncoder(manifest, session);
    } catch (RuntimeException e) {
      session.close();
      throw e;
    }
  }

  /** The manifest this encoder was opened from. */
  public ModelManifest manifest() {
    return manifest;
  }

  /** The execution provider in use and why. */
  public ProviderChoice provider() {
    return session.provider();
  }

  /**
   * Encodes a batch. With several {@code image.views} the tower runs on every view of every
   * image in one session call ({@code batch × views} runs); each view's patch tokens are aligned
   * back onto the frame's grid ({@link ViewTransform#alignPatches}) and become layers of their
   * own, in {@link ImageTower#layerViews()} order, and the embedding is that of the image as it is.
   *
   * @param chw {@code batch} images, each {@link ImageTower#sampleSize()} floats in CHW order as
   *     the {@code Preprocessor} writes them; floats past the batch are ignored
   * @param batch the number of images, at least 1
   * @throws IllegalArgumentException if {@code chw} is shorter than the batch
   * @throws ModelException if ONNX Runtime fails or returns shapes other than the manifest's
   */
  public ImageFeatures encode(float[] chw, int batch) {
    if (closed) {
      throw new IllegalStateException(session.description() + " is closed");
    }
    int sample = spec.sampleSize();
    if (batch < 1 || (long) batch * sample > chw.length) {
      throw new IllegalArgumentException(
          "chw: expected batch × 3 × " + spec.height() + " × " + spec.width() + " floats for batch "
              + batch + ", got " + chw.length + " floats");
    }
    List<ViewTransform> views = spec.layerViews();
    int runs = batch * views.size();
    stage(chw, batch, views);
    long[] shape = {runs, 3, spec.height(), spec.width()};
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OnnxTensor tensor = OnnxTensor.createTensor(env, input, shape);
        OrtSession.Result result =
            session.session().run(Map.of(spec.input(), tensor), outputNames)) {
      // Runs are image-major (image n, view v at n * views + v); the frame as it is, last.
      int identity = views.size() - 1;
      Optional<float[][]> embeddings =
          spec.embedding().map(name -> embeddings(result, name, batch, views.size(), identity));
      List<PatchLayer> layers = new ArrayList<>(spec.patches().size() * views.size());
      int perImage = spec.patchCount();
      for (int v = 0; v < views.size(); v++) {
        for (PatchOutput patch : spec.patches()) {
          float[] all = floats(result, patch.output(), runs, perImage, patch.dim());
          float[] values = new float[batch * perImage * patch.dim()];
          int size = perImage * patch.dim();
          for (int n = 0; n < batch; n++) {
            views.get(v).alignPatches(all, (n * views.size() + v) * size, values, n * size,
                spec.gridRows(), spec.gridCols(), patch.dim());
          }
          layers.add(new PatchLayer(
              patch.layer(), spec.gridRows(), spec.gridCols(), patch.dim(), values));
        }
      }
      return new ImageFeatures(batch, embeddings, layers);
    } catch (OrtException e) {
      throw new ModelException(
          session.description() + " failed on a batch of " + batch + " ("
              + runs + " runs of " + views.size() + " views) on " + provider().selected() + ": "
              + e.getMessage(),
          e);
    }
  }

  /** Writes every view of every image into the input staging, image-major. */
  private void stage(float[] chw, int batch, List<ViewTransform> views) {
    int sample = spec.sampleSize();
    int size = batch * views.size() * sample;
    if (input.capacity() < size) {
      input = direct(size);
    }
    input.clear();
    if (views.size() == 1) {
      input.put(chw, 0, size).flip();
      return;
    }
    if (viewScratch.length < sample) {
      viewScratch = new float[sample];
    }
    for (int n = 0; n < batch; n++) {
      for (ViewTransform view : views) {
        view.transformImage(chw, n * sample, viewScratch, 0, spec.height(), spec.width());
        input.put(viewScratch, 0, sample);
      }
    }
    input.flip();
  }

  /** The embedding of each image's view {@code view} of {@code views}. */
  private float[][] embeddings(
      OrtSession.Result result, String name, int batch, int views, int view) {
    float[] flat = floats(result, name, (long) batch * views, -1);
    int dim = flat.length / (batch * views);
    float[][] rows = new float[batch][];
    for (int n = 0; n < batch; n++) {
      int from = (n * views + view) * dim;
      rows[n] = Arrays.copyOfRange(flat, from, from + dim);
    }
    return rows;
  }

  /** Copies output {@code name} to an array after checking its shape ({@code -1}: any size). */
  private float[] floats(OrtSession.Result result, String name, long... expected) {
    OnnxValue value = result.get(name).orElseThrow();
    long[] shape = ((OnnxTensor) value).getInfo().getShape();
    boolean matches = shape.length == expected.length;
    for (int i = 0; matches && i < shape.length; i++) {
      matches = expected[i] < 0 || shape[i] == expected[i];
    }
    if (!matches) {
      throw new ModelException(
          session.description() + " returned '" + name + "' with shape " + Arrays.toString(shape)
              + ", expected " + Arrays.toString(expected).replace("-1", "?"));
    }
    FloatBuffer buffer = ((OnnxTensor) value).getFloatBuffer();
    float[] values = new float[buffer.remaining()];
    buffer.get(values);
    return values;
  }

  private static FloatBuffer direct(int floats) {
    return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder())
        .asFloatBuffer();
  }

  /** Frees the session; idempotent. */
  @Override
  public void close() {
    closed = true;
    session.close();
  }
}
