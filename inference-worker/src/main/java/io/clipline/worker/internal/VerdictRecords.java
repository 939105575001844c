package io.clipline.worker.internal;

import io.clipline.schemas.AnomalyMap;
import io.clipline.schemas.BoundingBox;
import io.clipline.schemas.CameraFrame;
import io.clipline.schemas.DefectEvent;
import io.clipline.schemas.DefectTypeScore;
import io.clipline.schemas.FramePosition;
import io.clipline.schemas.FrameRef;
import io.clipline.schemas.FrameVerdict;
import io.clipline.schemas.StageLatencies;
import io.clipline.worker.FrameResult;
import io.clipline.worker.FrameResult.AnomalyGrid;
import io.clipline.worker.FrameResult.Region;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Maps a scored frame onto the records of the verdicts and defects topics. */
public final class VerdictRecords {
  private final String workerId;
  private final String modelVersion;
  private final String scorerVersion;
  private final String executionProvider;

  public VerdictRecords(
      String workerId, String modelVersion, String scorerVersion, String executionProvider) {
    this.workerId = workerId;
    this.modelVersion = modelVersion;
    this.scorerVersion = scorerVersion;
    this.executionProvider = executionProvider;
  }

  /**
   * The verdict of one scored frame.
   *
   * @param position where the frame's record lies, so readers can fetch the frame it judges
   */
  public FrameVerdict verdict(CameraFrame meta, FramePosition position, FrameResult result,
      StageLatencies latencies) {
    Region top = topRegion(result.regions());
    return FrameVerdict.newBuilder()
        .setFrameId(meta.getFrameId())
        .setCameraId(meta.getCameraId())
        .setLineId(meta.getLineId())
        .setStationId(meta.getStationId())
        .setItemId(meta.getItemId())
        .setSequence(meta.getSequence())
        .setCaptureTime(meta.getCaptureTime())
        .setProduct(meta.getProduct())
        .setVerdict(result.verdict())
        .setImageScore(result.imageScore())
        .setRawScore(result.rawScore())
        .setThresholdOk(result.thresholdOk())
        .setThresholdNg(result.thresholdNg())
        .setThresholdVersion(result.thresholdVersion())
        .setTextScore(result.textScore())
        .setRarityScore(result.rarityScore())
        .setTopDefectType(top == null ? null : top.defectType())
        .setTopDefectConfidence(top == null || top.defectType() == null ? null : top.defectConfidence())
        .setRegionCount(result.regions().size())
        .setAnomalyMap(result.map() == null ? null : quantise(result.map()))
        .setModelVersion(modelVersion)
        .setScorerVersion(scorerVersion)
        .setScope(result.scope())
        .setWarmup(result.warmup())
        .setScopeFramesSeen(result.scopeFramesSeen())
        .setLatencies(latencies)
        .setExecutionProvider(executionProvider)
        .setWorkerId(workerId)
        .setVerdictTime(Instant.now())
        .setFramePosition(position)
        .build();
  }

  public List<DefectEvent> defects(CameraFrame meta, FrameResult result) {
    List<DefectEvent> events = new ArrayList<>();
    FrameRef ref = new FrameRef(meta.getFrameId(), meta.getCameraId(), meta.getLineId(),
        meta.getStationId(), meta.getItemId(), meta.getSequence(), meta.getCaptureTime());
    Instant now = Instant.now();
    List<Region> regions = result.regions();
    for (int i = 0; i < regions.size(); i++) {
      Region r = regions.get(i);
      events.add(DefectEvent.newBuilder()
          .setFrame(ref)
          .setProduct(meta.getProduct())
          .setRegionIndex(i)
          .setRegionCount(regions.size())
          .setBbox(new BoundingBox(r.x(), r.y(), r.width(), r.height()))
          .setAreaPixels((int) Math.min(Integer.MAX_VALUE, r.areaPixels()))
          .setPeakScore(r.peakScore())
          .setMeanScore(r.meanScore())
          .setDefectType(r.defectType())
          .setDefectConfidence(r.defectType() == null ? null : r.defectConfidence())
          .setRunnerUp(r.runnerUpType() == null ? null
              : new DefectTypeScore(r.runnerUpType(), r.runnerUpConfidence()))
          .setModelVersion(modelVersion)
          .setWorkerId(workerId)
          .setDetectedTime(now)
          .build());
    }
    return events;
  }

  /** 8-bit quantisation between the map's own min and max, as the AnomalyMap schema says. */
  static AnomalyMap quantise(AnomalyGrid grid) {
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    for (float v : grid.values()) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    byte[] q = new byte[grid.values().length];
    float range = max - min;
    if (range > 0) {
      for (int i = 0; i < q.length; i++) {
        q[i] = (byte) Math.round((grid.values()[i] - min) / range * 255f);
      }
    }
    return new AnomalyMap(grid.rows(), grid.cols(), ByteBuffer.wrap(q), min, max);
  }

  private static Region topRegion(List<Region> regions) {
    Region top = null;
    for (Region r : regions) {
      if (top == null || r.peakScore() > top.peakScore()) {
        top = r;
      }
    }
    return top;
  }
}
