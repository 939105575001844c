package io.clipline.worker.internal;

import io.clipline.worker.FrameResult;
import io.clipline.worker.FrameScorer;
import io.clipline.worker.InferredBatch;
import io.clipline.worker.ScorableFrame;
import io.clipline.worker.ScoredBatch;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scoring stage on the {@value WorkerThreads#SCORING} thread: runs {@link
 * FrameScorer#score(InferredBatch)} on a staged batch and, when the batch as a whole fails (in
 * either stage), the fallback: each half with both stages (the model stage still on the model
 * thread, behind what was submitted before), and a half that fails again frame by frame. A frame
 * that fails alone is refused at the INFERENCE stage ({@code inference.failed}). Never loops.
 *
 * @param <O> the scorer's model output, handed from its model stage to its scoring stage
 */
public final class BatchJudge<O> {
  private static final Logger LOG = LoggerFactory.getLogger(BatchJudge.class);

  private final FrameScorer<O> scorer;
  private final ModelStage<O> model;

  public BatchJudge(FrameScorer<O> scorer, ModelStage<O> model) {
    this.scorer = scorer;
    this.model = model;
  }

  /** Judges every ready frame of {@code staged}. */
  public JudgedBatch judge(StagedBatch<O> staged) throws InterruptedException {
    List<StagedBatch.Ready> ready = staged.ready();
    List<JudgedBatch.Judgement> judgements = new ArrayList<>(ready.size());
    if (ready.isEmpty()) {
      return new JudgedBatch(staged, judgements, JudgedBatch.StageTimes.NONE, false);
    }
    RuntimeException failure = staged.modelFailure();
    if (failure == null) {
      try {
        ScoredBatch scored = checked(scorer.score(staged.inferred()), ready.size());
        addScored(ready, scored, judgements);
        return new JudgedBatch(staged, judgements, JudgedBatch.StageTimes.NONE.plus(scored), false);
      } catch (RuntimeException e) {
        failure = e;
      }
    }
    if (ready.size() == 1) {
      judgements.add(refusal(ready.get(0), failure));
      return new JudgedBatch(staged, judgements, JudgedBatch.StageTimes.NONE, true);
    }
    LOG.warn("batch of {} failed scoring ({}); retrying at half size", ready.size(),
        failure.toString());
    int half = ready.size() / 2;
    JudgedBatch.StageTimes times = halfBatch(ready.subList(0, half), judgements)
        .plus(halfBatch(ready.subList(half, ready.size()), judgements));
    return new JudgedBatch(staged, judgements, times, true);
  }

  /** Both stages on part of a failed batch; if that fails too, frame by frame. */
  private JudgedBatch.StageTimes halfBatch(
      List<StagedBatch.Ready> frames, List<JudgedBatch.Judgement> judgements)
      throws InterruptedException {
    if (frames.isEmpty()) {
      return JudgedBatch.StageTimes.NONE;
    }
    List<ScorableFrame> input = StagedBatch.frames(frames);
    try {
      InferredBatch<O> inferred = model.infer(input);
      ScoredBatch scored = checked(scorer.score(inferred), input.size());
      addScored(frames, scored, judgements);
      return JudgedBatch.StageTimes.NONE.plus(scored);
    } catch (RuntimeException e) {
      if (frames.size() == 1) {
        judgements.add(refusal(frames.get(0), e));
        return JudgedBatch.StageTimes.NONE;
      }
      LOG.warn("half batch of {} failed scoring ({}); scoring frame by frame", frames.size(),
          e.toString());
      JudgedBatch.StageTimes times = JudgedBatch.StageTimes.NONE;
      for (StagedBatch.Ready frame : frames) {
        times = times.plus(halfBatch(List.of(frame), judgements));
      }
      return times;
    }
  }

  private static void addScored(List<StagedBatch.Ready> frames, ScoredBatch scored,
      List<JudgedBatch.Judgement> judgements) {
    List<FrameResult> results = scored.results();
    for (int i = 0; i < frames.size(); i++) {
      judgements.add(new JudgedBatch.Scored(frames.get(i), results.get(i)));
    }
  }

  private static JudgedBatch.Refused refusal(StagedBatch.Ready frame, RuntimeException e) {
    LOG.warn("frame {} failed scoring: {}", frame.frame().frameId(), e.toString());
    return new JudgedBatch.Refused(frame, new FrameRejectedException(
        FrameRejectedException.Stage.INFERENCE, "inference.failed", "scoring failed: " + e, e));
  }

  private static ScoredBatch checked(ScoredBatch scored, int frames) {
    if (scored.results().size() != frames) {
      throw new IllegalStateException("scorer returned " + scored.results().size()
          + " results for " + frames + " frames");
    }
    return scored;
  }
}
