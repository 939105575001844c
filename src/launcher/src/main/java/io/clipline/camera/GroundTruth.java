package io.clipline.camera;

import java.util.Objects;
import java.util.Optional;

/**
 * What a simulated frame really shows, as far as its source knows: normal, defective (with the
 * defect type and, where the source has one, a pixel mask) or unknown (an unlabelled image).
 */
public record GroundTruth(Label label, String defectType, Optional<DefectMask> mask) {
  /** Whether the frame shows a defect. */
  public enum Label {
    NORMAL,
    DEFECTIVE,
    UNKNOWN
  }

  public GroundTruth {
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(defectType, "defectType");
    Objects.requireNonNull(mask, "mask");
    if (label == Label.DEFECTIVE && defectType.isBlank()) {
      throw new IllegalArgumentException("a DEFECTIVE ground truth needs a defect type, got ''");
    }
    if (label != Label.DEFECTIVE && !defectType.isEmpty()) {
      throw new IllegalArgumentException(
          "only a DEFECTIVE ground truth has a defect type, got " + label + " with '"
              + defectType + "'");
    }
  }

  public static GroundTruth normal(Optional<DefectMask> mask) {
    return new GroundTruth(Label.NORMAL, "", mask);
  }

  public static GroundTruth defective(String defectType, Optional<DefectMask> mask) {
    return new GroundTruth(Label.DEFECTIVE, defectType, mask);
  }

  public static GroundTruth unknown() {
    return new GroundTruth(Label.UNKNOWN, "", Optional.empty());
  }

  public boolean isDefective() {
    return label == Label.DEFECTIVE;
  }
}
