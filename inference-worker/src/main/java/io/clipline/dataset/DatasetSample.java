package io.clipline.dataset;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One image of a dataset, as eval and the camera simulator both see it.
 *
 * @param id the image's path relative to the dataset root, with '/' separators (the file name
 *     for a flat folder)
 * @param image the image file
 * @param label normal, defective, or unlabelled (flat folders)
 * @param defectType the defect type of a defective image; {@value #GOOD} for a normal one and
 *     {@code ""} for an unlabelled one
 * @param mask the ground-truth mask file (values &gt; 127 are defective), or null when none
 * @param category the product category: the MVTec / VisA category folder, a manifest's {@code
 *     category} column, or null when the layout has none
 * @param columns every column of the image's manifest row (empty for folder layouts)
 */
public record DatasetSample(
    String id,
    Path image,
    Label label,
    String defectType,
    Path mask,
    String category,
    Map<String, String> columns) {
  /** The defect type, and MVTec folder name, of normal images. */
  public static final String GOOD = "good";

  /** What the dataset says the image shows. */
  public enum Label {
    NORMAL,
    DEFECTIVE,
    UNLABELLED
  }

  public DatasetSample {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(defectType, "defectType");
    columns = Collections.unmodifiableMap(new LinkedHashMap<>(columns));
  }

  /** Whether the dataset labels the image defective. */
  public boolean defective() {
    return label == Label.DEFECTIVE;
  }
}
