package io.clipline.model;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipline.model.ModelManifest.TextTower;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs a model folder's text tower: prompts are tokenised with the folder's HuggingFace {@code
 * tokenizer.json}, padded or truncated to the manifest's context length, and encoded to one
 * embedding each, in the space of the image embedding.
 *
 * <p>Sequences longer than the context length keep their last token (CLIP's end-of-text token,
 * whose position the text tower pools from); shorter ones are padded with the tokenizer's pad id
 * ({@code padding.pad_id} in {@code tokenizer.json}, 0 when it declares no padding). Embeddings
 * are not cached here: prompts change rarely, and caching is the caller's business.
 *
 * <p>The tokenizer's native library ships inside the DJL jar and is unpacked to DJL's cache
 * directory ({@code ~/.djl.ai}, or {@code DJL_CACHE_DIR}) on first use; nothing is downloaded.
 *
 * <p>Not thread-safe. Close it to free the tokenizer and the session.
 */
public final class TextEncoder implements AutoCloseable {
  private final TextTower spec;
  private final HuggingFaceTokenizer tokenizer;
  private final long padId;
  private final NativeSession session;
  private volatile boolean closed;

  private TextEncoder(
      TextTower spec, HuggingFaceTokenizer tokenizer, long padId, NativeSession session) {
    this.spec = spec;
    this.tokenizer = tokenizer;
    this.padId = padId;
    this.session = session;
  }

  /**
   * Loads the tokenizer and opens the text tower of {@code manifest}, checking it against the
   * manifest.
   *
   * @throws ModelException if the manifest has no text tower, the tokenizer cannot be loaded, the
   *     session cannot be created, or the model's input or output differ from the manifest
   */
  public static TextEncoder open(ModelManifest manifest, InferenceOptions options) {
    TextTower spec =
        manifest
            .text()
            .orElseThrow(
                () ->
                    new ModelException(
                        "Model " + manifest.name() + " in " + manifest.folder().toAbsolutePath()
                            + " has no text tower (no 'text' in its manifest); it supports"
                            + " rarity-only scoring"));
    Path tokenizerFile = manifest.resolve(spec.tokenizer());
    long padId = padId(tokenizerFile);
    HuggingFaceTokenizer tokenizer = loadTokenizer(tokenizerFile);
    try {
      NativeSession session =
          NativeSession.open(
              "text tower of " + manifest.name(), manifest.resolve(spec.file()), options);
      try {
        session.checkInput(
            "text.input", spec.input(), OnnxJavaType.INT64, new long[] {-1, spec.contextLength()});
        session.checkOutput("text.output", spec.output(), OnnxJavaType.FLOAT, new long[] {-1, -1});
        return new TextEncoder(spec, tokenizer, padId, session);
      } catch (RuntimeException e) {
        session.close();
        throw e;
      }
    } catch (RuntimeException e) {
      tokenizer.close();
      throw e;
    }
  }

  private static HuggingFaceTokenizer loadTokenizer(Path file) {
    try {
      // Padding and truncation are done here, the CLIP way, whatever tokenizer.json configures.
      return HuggingFaceTokenizer.builder()
          .optTokenizerPath(file)
          .optAddSpecialTokens(true)
          .optPadding(false)
          .optTruncation(false)
          .build();
    } catch (IOException | RuntimeException e) {
      throw new ModelException("text.tokenizer: cannot load " + file + ": " + e.getMessage(), e);
    }
  }

  private static long padId(Path file) {
    try {
      JsonNode padding = new ObjectMapper().readTree(file.toFile()).path("padding");
      return padding.path("pad_id").asLong(0);
    } catch (IOException e) {
      throw new ModelException("text.tokenizer: cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** The token sequence length of the text tower. */
  public int contextLength() {
    return spec.contextLength();
  }

  /** The execution provider in use and why. */
  public ProviderChoice provider() {
    return session.provider();
  }

  /**
   * Tokenises prompts to exactly {@link #contextLength()} ids each, as {@link #encode} feeds them
   * to the text tower.
   */
  public long[][] tokenize(List<String> texts) {
    checkOpen();
    int length = spec.contextLength();
    long[][] ids = new long[texts.size()][];
    for (int i = 0; i < ids.length; i++) {
      long[] raw = tokenizer.encode(texts.get(i)).getIds();
      ids[i] = Arrays.copyOf(raw, length);
      if (raw.length > length) {
        ids[i][length - 1] = raw[raw.length - 1];
      } else {
        Arrays.fill(ids[i], raw.length, length, padId);
      }
    }
    return ids;
  }

  /**
   * Encodes prompts in one batch.
   *
   * @return one embedding per prompt, {@code [texts.size()][E]}, as the model computes it (not
   *     normalised)
   * @throws IllegalArgumentException if {@code texts} is empty
   * @throws ModelException if ONNX Runtime fails
   */
  public float[][] encode(List<String> texts) {
    if (texts.isEmpty()) {
      throw new IllegalArgumentException("texts: expected at least one prompt, got none");
    }
    long[][] ids = tokenize(texts);
    try (OnnxTensor tensor = OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), ids);
        OrtSession.Result result =
            session.session().run(Map.of(spec.input(), tensor), Set.of(spec.output()))) {
      OnnxTensor output = (OnnxTensor) result.get(spec.output()).orElseThrow();
      long[] shape = output.getInfo().getShape();
      if (shape.length != 2 || shape[0] != ids.length) {
        throw new ModelException(
            session.description() + " returned '" + spec.output() + "' with shape "
                + Arrays.toString(shape) + ", expected [" + ids.length + ", E]");
      }
      return (float[][]) output.getValue();
    } catch (OrtException e) {
      throw new ModelException(
          session.description() + " failed on " + texts.size() + " prompts on "
              + provider().selected() + ": " + e.getMessage(),
          e);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException(session.description() + " is closed");
    }
  }

  /** Frees the session and the tokenizer; idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    // Reverse order of creation: the session was opened after the tokenizer.
    try {
      session.close();
    } finally {
      tokenizer.close();
    }
  }
}
