package io.clipline.schemas.topic;

import io.clipline.schemas.Alert;
import io.clipline.schemas.CameraFrame;
import io.clipline.schemas.DeadLetter;
import io.clipline.schemas.DefectEvent;
import io.clipline.schemas.FrameVerdict;
import io.clipline.schemas.ItemVerdict;
import io.clipline.schemas.LineStats;
import io.clipline.schemas.OperatorLabel;
import io.clipline.schemas.RejectCommand;
import io.clipline.schemas.ScorerSnapshot;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Every topic Clipline reads or writes, in one place: the broker tool creates them from here,
 * the worker and pipeline take their names from here, and the README's topic table is this list.
 */
public final class TopicCatalog {
  /** Frames may carry a full image inline; 8 MiB leaves room for a 5 MP JPEG and headers. */
  public static final int MAX_FRAME_BYTES = 8 * 1024 * 1024;

  private static final int ONE_MIB = 1024 * 1024;

  public static final TopicSpec FRAMES =
      new TopicSpec(
          "clipline.frames.v1",
          12,
          TopicSpec.DELETE,
          Duration.ofHours(6),
          MAX_FRAME_BYTES,
          "camera id line/station/camera",
          CameraFrame.class,
          "camera frames, inline bytes or a claim-check URI");
  public static final TopicSpec VERDICTS =
      new TopicSpec(
          "clipline.verdicts.v1",
          12,
          TopicSpec.DELETE,
          Duration.ofDays(7),
          ONE_MIB,
          "camera id",
          FrameVerdict.class,
          "one verdict per frame: OK / NG / UNSURE, scores, low-res anomaly map");
  public static final TopicSpec DEFECTS =
      new TopicSpec(
          "clipline.defects.v1",
          12,
          TopicSpec.DELETE,
          Duration.ofDays(7),
          ONE_MIB,
          "camera id",
          DefectEvent.class,
          "one event per defect region: bbox, peak score, defect type");
  public static final TopicSpec ITEMS =
      new TopicSpec(
          "clipline.items.v1",
          12,
          TopicSpec.DELETE,
          Duration.ofDays(30),
          ONE_MIB,
          "item id",
          ItemVerdict.class,
          "fused verdict per item over its camera views, for MES");
  public static final TopicSpec REJECTS =
      new TopicSpec(
          "clipline.rejects.v1",
          6,
          TopicSpec.DELETE,
          Duration.ofDays(7),
          ONE_MIB,
          "line/gate",
          RejectCommand.class,
          "reject commands for actuators, with a deadline");
  public static final TopicSpec LINE_STATS =
      new TopicSpec(
          "clipline.line-stats.v1",
          3,
          TopicSpec.DELETE,
          Duration.ofDays(30),
          ONE_MIB,
          "line",
          LineStats.class,
          "windowed counts, yield, defect histogram, latency quantiles");
  public static final TopicSpec ALERTS =
      new TopicSpec(
          "clipline.alerts.v1",
          3,
          TopicSpec.DELETE,
          Duration.ofDays(30),
          ONE_MIB,
          "line",
          Alert.class,
          "defect surges, score drift, silent cameras, late verdicts");
  public static final TopicSpec LABELS =
      new TopicSpec(
          "clipline.labels.v1",
          12,
          TopicSpec.DELETE,
          Duration.ofDays(90),
          ONE_MIB,
          "camera id",
          OperatorLabel.class,
          "operator confirmations and overrides");
  public static final TopicSpec SCORER_STATE =
      new TopicSpec(
          "clipline.scorer-state.v1",
          12,
          TopicSpec.COMPACT,
          null,
          MAX_FRAME_BYTES,
          // Keyed per chunk: keyed by scope alone, compaction would keep only the last chunk.
          "scope#chunkIndex",
          ScorerSnapshot.class,
          "compacted snapshots of the rarity banks, chunked");
  public static final TopicSpec FRAMES_DLQ =
      new TopicSpec(
          "clipline.frames.dlq.v1",
          3,
          TopicSpec.DELETE,
          Duration.ofDays(14),
          MAX_FRAME_BYTES + ONE_MIB,
          "original key",
          DeadLetter.class,
          "frames and records that could not be processed, with the reason");

  private static final List<TopicSpec> ALL =
      List.of(
          FRAMES,
          VERDICTS,
          DEFECTS,
          ITEMS,
          REJECTS,
          LINE_STATS,
          ALERTS,
          LABELS,
          SCORER_STATE,
          FRAMES_DLQ);

  private TopicCatalog() {}

  /** All topics, in data-flow order. */
  public static List<TopicSpec> all() {
    return ALL;
  }

  public static Optional<TopicSpec> byName(String name) {
    return ALL.stream().filter(t -> t.name().equals(name)).findFirst();
  }
}
