package io.clipline.inference;

import io.clipline.imaging.CropGeometry;
import io.clipline.imaging.DecodedFrame;
import io.clipline.imaging.Preprocessor;
import io.clipline.model.ImageEncoder;
import io.clipline.model.ImageFeatures;
import io.clipline.model.ImageFeatures.PatchLayer;
import io.clipline.model.ModelManifest;
import io.clipline.scoring.FrameFeatures;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The model stage: preprocesses decoded frames as the model's manifest says into one reused input
 * buffer, runs the image tower once for the whole batch, and cuts the output into the engine's
 * {@link FrameFeatures}. Touches only the encoder and its buffer, never the engine; one thread at
 * a time. Closing it closes the encoder.
 */
public final class FeatureExtractor implements AutoCloseable {
  private final ModelManifest manifest;
  private final ImageEncoder encoder;
  private final Preprocessor preprocessor;
  private float[] input = new float[0];

  /** The stage of {@code manifest}'s model, run by {@code encoder} (now owned by this stage). */
  public FeatureExtractor(ModelManifest manifest, ImageEncoder encoder) {
    this.manifest = manifest;
    this.encoder = encoder;
    this.preprocessor = new Preprocessor(manifest.image());
  }

  /** Preprocesses the images and runs the image tower once. */
  public EncodedBatch encode(List<DecodedFrame> images) {
    int n = images.size();
    CropGeometry[] crops = new CropGeometry[n];
    int sample = preprocessor.sampleSize();
    if (input.length < n * sample) {
      input = new float[n * sample];
    }
    for (int i = 0; i < n; i++) {
      crops[i] = preprocessor.preprocess(images.get(i), input, i * sample);
    }
    return new EncodedBatch(encoder.encode(input, n), crops);
  }

  /** {@link #encode} frame by frame: each frame's features and crop. */
  public List<EncodedFrame> encodeFrames(List<DecodedFrame> images) {
    EncodedBatch batch = encode(images);
    List<EncodedFrame> encoded = new ArrayList<>(images.size());
    for (int i = 0; i < images.size(); i++) {
      encoded.add(new EncodedFrame(frameFeatures(batch, i), batch.crops()[i]));
    }
    return encoded;
  }

  /** The engine's view of frame {@code i} of {@code batch}. */
  public FrameFeatures frameFeatures(EncodedBatch batch, int i) {
    return frameFeatures(batch.features(), i, manifest);
  }

  /**
   * The engine's view of frame {@code i} of an encoded batch: its patch layers (copied out of the
   * batch) and embedding, with the model input's size as the output map's.
   */
  public static FrameFeatures frameFeatures(ImageFeatures features, int i, ModelManifest manifest) {
    List<float[]> layers = new ArrayList<>();
    int rows = 0;
    int cols = 0;
    for (PatchLayer layer : features.layers()) {
      int size = layer.rows() * layer.cols() * layer.dim();
      layers.add(Arrays.copyOfRange(layer.values(), i * size, (i + 1) * size));
      rows = layer.rows();
      cols = layer.cols();
    }
    float[] embedding = features.embeddings().map(e -> e[i]).orElse(null);
    return new FrameFeatures(rows, cols, layers, embedding,
        manifest.image().height(), manifest.image().width());
  }

  /** The execution provider the encoder runs on. */
  public String executionProvider() {
    return encoder.provider().selected().name();
  }

  @Override
  public void close() {
    encoder.close();
  }
}
