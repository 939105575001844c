package io.clipline.launcher;

import io.clipline.schemas.CameraFrame;
import io.clipline.schemas.DeadLetter;
import io.clipline.schemas.FrameVerdict;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The exactly-once audit of what the workers committed, over the frames, verdicts and dead
 * letters read with read_committed: every frame offset has exactly one committed verdict (matched
 * by frame id) or one dead letter (matched by original offset); no verdict lacks its frame; and
 * each camera's verdicts, in the order they were committed, follow its capture order.
 *
 * <p>Feed it the records, then read the findings. Not thread-safe.
 */
final class FrameAudit {
  /** Examples kept per kind of finding. */
  static final int EXAMPLES = 10;

  /** A frame record: where it is, and its id when it could be read ({@code null} if not). */
  record Frame(String partition, long offset, String frameId) {
    String where() {
      return partition + "@" + offset;
    }
  }

  private final List<Frame> frames = new ArrayList<>();
  private final Map<String, Integer> verdictsByFrameId = new HashMap<>();
  private final Map<String, Integer> lettersByOffset = new HashMap<>();
  private final Map<String, Long> lastSequenceByCamera = new HashMap<>();
  private final Map<String, List<String>> findings = new LinkedHashMap<>();
  private final Map<String, Long> counts = new LinkedHashMap<>();
  private long verdicts;
  private long letters;

  FrameAudit() {
    for (String kind : List.of("missing", "duplicated", "orphan verdicts", "out of order")) {
      findings.put(kind, new ArrayList<>());
      counts.put(kind, 0L);
    }
  }

  void frame(String partition, long offset, CameraFrame frame) {
    frames.add(new Frame(partition, offset, frame == null ? null : frame.getFrameId()));
  }

  /** A committed verdict, in commit order within its partition. */
  void verdict(FrameVerdict verdict) {
    verdicts++;
    verdictsByFrameId.merge(verdict.getFrameId(), 1, Integer::sum);
    Long before = lastSequenceByCamera.put(verdict.getCameraId(), verdict.getSequence());
    if (before != null && verdict.getSequence() <= before) {
      find("out of order", "camera " + verdict.getCameraId() + ": sequence "
          + verdict.getSequence() + " (frame " + verdict.getFrameId() + ") after " + before);
    }
  }

  void deadLetter(DeadLetter letter) {
    letters++;
    lettersByOffset.merge(letter.getOriginalTopic() + "-" + letter.getOriginalPartition() + "@"
        + letter.getOriginalOffset(), 1, Integer::sum);
  }

  /** Checks the frames against the outputs; call once, after everything was fed. */
  void check() {
    Map<String, Integer> unmatched = new HashMap<>(verdictsByFrameId);
    for (Frame frame : frames) {
      int outputs = lettersByOffset.getOrDefault(frame.where(), 0);
      if (frame.frameId() != null) {
        outputs += verdictsByFrameId.getOrDefault(frame.frameId(), 0);
        unmatched.remove(frame.frameId());
      }
      if (outputs == 0) {
        find("missing", frame.where() + " (frame " + frame.frameId() + ")");
      } else if (outputs > 1) {
        find("duplicated", frame.where() + " (frame " + frame.frameId() + "): " + outputs
            + " committed outputs");
      }
    }
    unmatched.keySet().stream().sorted().forEach(id -> find("orphan verdicts", "frame " + id));
  }

  long frames() {
    return frames.size();
  }

  long verdicts() {
    return verdicts;
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
