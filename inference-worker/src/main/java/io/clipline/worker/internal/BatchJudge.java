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
 * <p>A frame judged before in a transaction that aborted is not scored again: it is answered
 * with its earlier result from {@link UncommittedResults}, so its scope never learns it twice;
 * the other frames of its batch are scored on their own (both stages, as a part of a failed
 * batch is). Every result judged is kept there until its transaction commits.
 *
 * @param <O> the scorer's model output, handed from its model stage to its scoring stage
 */
public final class BatchJudge<O> {
  private static final Logger LOG = LoggerFactory.getLogger(BatchJudge.class);

  private final FrameScorer<O> scorer;
  private final ModelStage<O> model;
  private final UncommittedResults results;

  public BatchJudge(FrameScorer<O> scorer, ModelStage<O> model, UncommittedResults results) {
    this.scorer = scorer;
    this.model = model;
    this.results = results;
  }

  /** Judges every ready frame of {@code staged}, and keeps what it made of each. */
  public JudgedBatch judge(StagedBatch<O> staged) throws InterruptedException {
    JudgedBatch judged = judgeOrReplay(staged);
    for (JudgedBatch.Judgement judgement : judged.judgements()) {
      if (judgement instanceof JudgedBatch.Scored scored) {
        results.keep(scored.frame().polled(), scored.result());
      }
    }
    return judged;
  }

  private JudgedBatch judgeOrReplay(StagedBatch<O> staged) throws InterruptedException {
    List<StagedBatch.Ready> ready = staged.ready();
    List<FrameResult> earlier = new ArrayList<>(ready.size());
    boolean anyEarlier = false;
    for (StagedBatch.Ready frame : ready) {
      FrameResult result = results.take(frame.polled());
      earlier.add(result);
      anyEarlier |= result != null;
    }
    return anyEarlier ? replay(staged, earlier) : score(staged);
  }

  /**
   * Answers the frames with an earlier result from it and scores the others on their own; the
   * judgements stay in the order of the ready frames.
   */
  private JudgedBatch replay(StagedBatch<O> staged, List<FrameResult> earlier)
      throws InterruptedException {
    List<StagedBatch.Ready> ready = staged.ready();
    List<StagedBatch.Ready> fresh = new ArrayList<>();
    for (int i = 0; i < ready.size(); i++) {
      if (earlier.get(i) == null) {
        fresh.add(ready.get(i));
      }
    }
    List<JudgedBatch.Judgement> freshJudgements = new ArrayList<>(fresh.size());
    JudgedBatch.StageTimes times = halfBatch(fresh, freshJudgements);
    List<JudgedBatch.Judgement> judgements = new ArrayList<>(ready.size());
    int next = 0;
    for (int i = 0; i < ready.size(); i++) {
      judgements.add(earlier.get(i) != null
          ? new JudgedBatch.Scored(ready.get(i), earlier.get(i), true)
          : freshJudgements.get(next++));
    }
    LOG.info("{} of {} frames consumed again after an abort answered with their earlier result,"
        + " not scored again", ready.size() - fresh.size(), ready.size());
    // The fresh frames' model stage ran behind what was submitted after this batch.
    return new JudgedBatch(staged, judgements, times, !fresh.isEmpty());
  }

  private JudgedBatch score(StagedBatch<O> staged) throws InterruptedException {
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
