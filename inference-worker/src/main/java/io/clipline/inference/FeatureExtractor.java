package io.clipline.inference;

import io.clipline.imaging.CropGeometry;
import io.clipline.imaging.DecodedFrame;
import io.clipline.imaging.Preprocessor;
import io.clipline.imaging.Preprocessor.PreparedFrame;
import io.clipline.imaging.TileLayout;
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
 * a time, except {@link #prepare}, the costly half of preprocessing, which any thread may run
 * ahead of the batch. Closing it closes the encoder.
 *
 * <p>Under a tiling resize mode ({@code LETTERBOX}, {@code TILE}) each frame becomes the tiles of
 * its {@link io.clipline.imaging.TileLayout}; the tiles of all frames of a batch go through the
 * tower in runs of at most {@link #tilesPerRun()} images, and {@link TileStitcher} stitches each
 * frame's tiles back into one {@link FrameFeatures}: a tiled frame is still one frame to the
 * engine, with one map and one verdict.
 */
public final class FeatureExtractor implements AutoCloseable {
  /** Tiles per encoder run by default: a 224 × 224 run of 16 holds 9.6 MB of input. */
  public static final int DEFAULT_TILES_PER_RUN = 16;
  private final ModelManifest manifest;
  private final ImageEncoder encoder;
  private final Preprocessor preprocessor;
  private final int tilesPerRun;
  private float[] input = new float[0];

  /** The stage of {@code manifest}'s model, run by {@code encoder} (now owned by this stage). */
  public FeatureExtractor(ModelManifest manifest, ImageEncoder encoder) {
    this(manifest, encoder, DEFAULT_TILES_PER_RUN);
  }

  /** As {@link #FeatureExtractor(ModelManifest, ImageEncoder)}, with tiles per encoder run. */
  public FeatureExtractor(ModelManifest manifest, ImageEncoder encoder, int tilesPerRun) {
    if (tilesPerRun < 1) {
      throw new IllegalArgumentException("tilesPerRun: expected >= 1, got " + tilesPerRun);
    }
    this.manifest = manifest;
    this.encoder = encoder;
    this.preprocessor = new Preprocessor(manifest.image());
    this.tilesPerRun = tilesPerRun;
  }

  /** The most tiles one encoder run takes under a tiling resize mode. */
  public int tilesPerRun() {
    return tilesPerRun;
  }

  /**
   * The costly, thread-safe part of preprocessing one frame ({@link Preprocessor#prepare}): any
   * thread may call it, so that {@link #encodePrepared} on the model thread only copies.
   */
  public PreparedFrame prepare(DecodedFrame image) {
    return preprocessor.prepare(image);
  }

  /** Preprocesses the images and runs the image tower (once, unless the frames are tiled). */
  public EncodedBatch encode(List<DecodedFrame> images) {
    List<PreparedFrame> prepared = new ArrayList<>(images.size());
    for (DecodedFrame image : images) {
      prepared.add(preprocessor.prepare(image));
    }
    return encodePrepared(prepared);
  }

  /**
   * Runs the image tower on frames {@link #prepare}d by this stage: untiled, once for the whole
   * batch; tiled, in runs of at most {@link #tilesPerRun()} tiles, each frame's tiles then
   * stitched into one {@link FrameFeatures}.
   *
   * @throws IllegalArgumentException if a frame was prepared by another stage's preprocessor
   */
  public EncodedBatch encodePrepared(List<PreparedFrame> prepared) {
    for (PreparedFrame frame : prepared) {
      if (!frame.preparedBy(preprocessor)) {
        throw new IllegalArgumentException(
            "prepared frame: made by another model's preprocessor, not by " + manifest.name()
                + "'s");
      }
    }
    return preprocessor.tiling() ? encodeTiled(prepared) : encodeWhole(prepared);
  }

  private EncodedBatch encodeWhole(List<PreparedFrame> prepared) {
    int n = prepared.size();
    CropGeometry[] crops = new CropGeometry[n];
    int sample = preprocessor.sampleSize();
    ensureInput(n);
    for (int i = 0; i < n; i++) {
      prepared.get(i).write(0, input, i * sample);
      crops[i] = prepared.get(i).crop();
    }
    ImageFeatures features = encoder.encode(input, n);
    List<FrameFeatures> frames = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      frames.add(frameFeatures(features, i, manifest));
    }
    return new EncodedBatch(frames, crops);
  }

  /** Every frame's tiles through the tower in runs of {@link #tilesPerRun}, then stitched. */
  private EncodedBatch encodeTiled(List<PreparedFrame> prepared) {
    int n = prepared.size();
    CropGeometry[] crops = new CropGeometry[n];
    int sample = preprocessor.sampleSize();
    ensureInput(tilesPerRun);
    List<TileLayout> layouts = new ArrayList<>(n);
    List<ImageFeatures> runs = new ArrayList<>();
    int staged = 0;
    for (int i = 0; i < n; i++) {
      PreparedFrame frame = prepared.get(i);
      layouts.add(frame.layout().orElseThrow());
      crops[i] = frame.crop();
      for (int t = 0; t < frame.tiles(); t++) {
        frame.write(t, input, staged * sample);
        if (++staged == tilesPerRun) {
          runs.add(encoder.encode(input, staged));
          staged = 0;
        }
      }
    }
    if (staged > 0) {
      runs.add(encoder.encode(input, staged));
    }
    ImageFeatures tiles = TileStitcher.concat(runs);
    List<FrameFeatures> frames = new ArrayList<>(n);
    int first = 0;
    for (TileLayout layout : layouts) {
      frames.add(TileStitcher.stitch(tiles, first, layout));
      first += layout.tiles();
    }
    return new EncodedBatch(frames, crops);
  }

  private void ensureInput(int images) {
    int floats = Math.multiplyExact(images, preprocessor.sampleSize());
    if (input.length < floats) {
      input = new float[floats];
    }
  }

  /** {@link #encode} frame by frame: each frame's features and crop. */
  public List<EncodedFrame> encodeFrames(List<DecodedFrame> images) {
    EncodedBatch batch = encode(images);
    List<EncodedFrame> encoded = new ArrayList<>(images.size());
    for (int i = 0; i < images.size(); i++) {
      encoded.add(new EncodedFrame(batch.frames().get(i), batch.crops()[i]));
    }
    return encoded;
  }

  /**
   * The engine's view of frame {@code i} of an encoded batch of untiled frames: its patch layers
   * (copied out of the batch) and embedding, with the model input's size as the output map's.
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
