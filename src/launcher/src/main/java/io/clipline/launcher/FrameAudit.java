package io.clipline.launcher;

import io.clipline.schemas.CameraFrame;
import io.clipline.schemas.DeadLetter;
import io.clipline.schemas.FramePosition;
import io.clipline.schemas.FrameVerdict;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The exactly-once audit of what the workers committed, over the frames, verdicts and dead
 * letters read with read_committed: every frame offset has exactly one committed verdict or one
 * dead letter (a dead letter matched by its original offset, a verdict by its {@code
 * framePosition}, or by frame id when a worker that predates that field wrote it); no verdict
 * lacks its frame; and each camera's verdicts, in the order they were committed, follow its
 * capture order.
 *
 * <p>A frame that {@code clipline replay} published again is a frame of its own at its new
 * offset, with its own output; its verdict comes after the camera's later frames by design, so
 * the capture-order check leaves it out.
 *
 * <p>Feed it the records, then call {@link #check} once and read the findings. Not thread-safe.
 */
final class FrameAudit {
  /** Examples kept per kind of finding. */
  static final int EXAMPLES = 10;

  /**
   * A frame record: where it is, its id when it could be read ({@code null} if not), and, for a
   * replayed record, where the original was ({@code null} otherwise).
   */
  record Frame(String partition, long offset, String frameId, String replayOf) {
    String where() {
      return partition + "@" + offset;
    }
  }

  private final List<Frame> frames = new ArrayList<>();
  private final List<FrameVerdict> verdicts = new ArrayList<>();
  private final Map<String, Integer> lettersByOffset = new HashMap<>();
  private final Map<String, List<String>> findings = new LinkedHashMap<>();
  private final Map<String, Long> counts = new LinkedHashMap<>();
  private long letters;

  FrameAudit() {
    for (String kind : List.of("missing", "duplicated", "orphan verdicts", "out of order")) {
      findings.put(kind, new ArrayList<>());
      counts.put(kind, 0L);
    }
  }

  /**
   * A frames-topic record.
   *
   * @param frame the decoded record, or {@code null} when it is not a frame
   * @param replayOf where the record it replays was, for a {@code clipline replay} record
   */
  void frame(String partition, long offset, CameraFrame frame, String replayOf) {
    frames.add(new Frame(partition, offset, frame == null ? null : frame.getFrameId(), replayOf));
  }

  /** A committed verdict, in commit order within its partition. */
  void verdict(FrameVerdict verdict) {
    verdicts.add(verdict);
  }

  void deadLetter(DeadLetter letter) {
    letters++;
    lettersByOffset.merge(letter.getOriginalTopic() + "-" + letter.getOriginalPartition() + "@"
        + letter.getOriginalOffset(), 1, Integer::sum);
  }

  /** Checks the frames against the outputs; call once, after everything was fed. */
  void check() {
    Map<String, Integer> byPosition = new HashMap<>();
    Map<String, Integer> byFrameId = new HashMap<>();
    for (FrameVerdict v : verdicts) {
      if (v.getFramePosition() != null) {
        byPosition.merge(where(v.getFramePosition()), 1, Integer::sum);
      } else {
        byFrameId.merge(v.getFrameId(), 1, Integer::sum);
      }
    }
    Set<String> frameIds = new HashSet<>();
    Set<String> positions = new HashSet<>();
    Set<String> replays = new HashSet<>();
    for (Frame frame : frames) {
      String where = frame.where();
      positions.add(where);
      int outputs = lettersByOffset.getOrDefault(where, 0) + byPosition.getOrDefault(where, 0);
      if (frame.frameId() != null) {
        outputs += byFrameId.getOrDefault(frame.frameId(), 0);
        frameIds.add(frame.frameId());
      }
      if (frame.replayOf() != null) {
        replays.add(where);
      }
      if (outputs == 0) {
        find("missing", where + " (frame " + frame.frameId() + ")");
      } else if (outputs > 1) {
        find("duplicated", where + " (frame " + frame.frameId() + "): " + outputs
            + " committed outputs");
      }
    }
    Map<String, Long> lastSequenceByCamera = new HashMap<>();
    for (FrameVerdict v : verdicts) {
      FramePosition position = v.getFramePosition();
      boolean known = position == null
          ? frameIds.contains(v.getFrameId()) : positions.contains(where(position));
      if (!known) {
        find("orphan verdicts", "frame " + v.getFrameId()
            + (position == null ? "" : " at " + where(position)));
      }
      if (position != null && replays.contains(where(position))) {
        continue;
      }
      Long before = lastSequenceByCamera.put(v.getCameraId(), v.getSequence());
      if (before != null && v.getSequence() <= before) {
        find("out of order", "camera " + v.getCameraId() + ": sequence " + v.getSequence()
            + " (frame " + v.getFrameId() + ") after " + before);
      }
    }
  }

  private static String where(FramePosition position) {
    return position.getTopic() + "-" + position.getPartition() + "@" + position.getOffset();
  }

  long frames() {
    return frames.size();
  }

  /** Frames that are {@code clipline replay} records. */
  long replays() {
    return frames.stream().filter(f -> f.replayOf() != null).count();
  }

  long verdicts() {
    return verdicts.size();
  }

  long deadLetters() {
    return letters;
  }

  /** Findings by kind ({@code missing}, {@code duplicated}, ...), how many of each. */
  Map<String, Long> counts() {
    return counts;
  }

  /** Up to {@link #EXAMPLES} examples of each kind. */
  Map<String, List<String>> examples() {
    return findings;
  }

  boolean clean() {
    return counts.values().stream().allMatch(n -> n == 0);
  }

  private void find(String kind, String example) {
    counts.merge(kind, 1L, Long::sum);
    List<String> examples = findings.get(kind);
    if (examples.size() < EXAMPLES) {
      examples.add(example);
    }
  }
}
