package io.clipline.inference;

import io.clipline.imaging.CropGeometry;
import io.clipline.imaging.DecodedFrame;
import io.clipline.model.InferenceOptions;
import io.clipline.scoring.FrameFeatures;
import io.clipline.scoring.FrameScore;
import io.clipline.scoring.ScoringConfig;
import io.clipline.scoring.ScoringEngine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The product scorer for offline evaluation: the same model, prompts and engine as {@link
 * ModelFrameScorer}, with frames handed over by scope instead of by Kafka, and the engine's full
 * results (the anomaly map at model-input resolution included) handed back. Features are built
 * exactly as the worker builds them. One thread at a time.
 */
public final class OfflineScorer implements AutoCloseable {
  private final ModelFrameScorer scorer;

  private OfflineScorer(ModelFrameScorer scorer) {
    this.scorer = scorer;
  }

  /**
   * Loads the model folder as {@link ModelFrameScorer#open(Path, InferenceOptions,
   * ScoringConfig, String)} does.
   *
   * @param productNoun the noun the prompts describe, e.g. "object"
   */
  public static OfflineScorer open(
      Path modelDir, InferenceOptions options, ScoringConfig scoring, String productNoun) {
    return new OfflineScorer(ModelFrameScorer.open(modelDir, options, scoring, productNoun));
  }

  /** One frame's full engine result and where the model input lies in the frame. */
  public record DetailedScore(FrameScore score, CropGeometry crop, FrameFeatures features) {}

  /**
   * Scores decoded frames of one scope in the given order, or with {@code seed} learns them as
   * known-good k-shot frames ({@link ScoringEngine#seed}), and returns the engine's full results.
   */
  public List<DetailedScore> scoreDetailed(String scope, List<DecodedFrame> images, boolean seed) {
    scorer.configure(scope);
    ScoringEngine engine = scorer.engine();
    List<DetailedScore> results = new ArrayList<>(images.size());
    List<EncodedFrame> encoded = encodeDetailed(images);
    List<ScopeGrids.Frame> frames = new ArrayList<>(images.size());
    for (int i = 0; i < images.size(); i++) {
      DecodedFrame image = images.get(i);
      frames.add(new ScopeGrids.Frame("#" + i + " of the batch", image.width(), image.height()));
    }
    ScopeGrids.check(engine, scorer.manifest().image().resize(),
        Collections.nCopies(images.size(), scope), frames,
        encoded.stream().map(EncodedFrame::features).toList());
    for (EncodedFrame e : encoded) {
      FrameFeatures f = e.features();
      results.add(
          new DetailedScore(seed ? engine.seed(scope, f) : engine.score(scope, f), e.crop(), f));
    }
    return results;
  }

  /** Preprocesses and encodes decoded frames exactly as the worker does, without scoring them. */
  public List<EncodedFrame> encodeDetailed(List<DecodedFrame> images) {
    return scorer.features().encodeFrames(images);
  }

  /** The engine, e.g. for a scope's thresholds. */
  public ScoringEngine engine() {
    return scorer.engine();
  }

  /** Model name and version. */
  public String modelVersion() {
    return scorer.modelVersion();
  }

  @Override
  public void close() {
    scorer.close();
  }
}
