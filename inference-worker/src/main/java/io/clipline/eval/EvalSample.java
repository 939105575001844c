package io.clipline.eval;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One labelled image of a dataset.
 *
 * @param id the image's path relative to the dataset root, with '/' separators
 * @param image the image file
 * @param defective true for a defective (anomalous) image
 * @param defectType the defect type, or {@value #GOOD} for normal images
 * @param mask the ground-truth mask file (values &gt; 127 are defective), or null when none
 * @param category the product category (MVTec / VisA folder), or null when the layout has none
 * @param columns every column of the image's manifest row (empty for folder layouts)
 */
public record EvalSample(
    String id,
    Path image,
    boolean defective,
    String defectType,
    Path mask,
    String category,
    Map<String, String> columns) {
  public static final String GOOD = "good";

  public EvalSample {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(defectType, "defectType");
    columns = Collections.unmodifiableMap(new LinkedHashMap<>(columns));
  }
}
