package io.clipline.scoring;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The defect types of one product and, optionally, one zero-shot text prototype per type (in the
 * space of the region features: projected patch tokens, or raw tokens of the same dimension).
 *
 * @param names type names, unique, at least one
 * @param zeroShotPrototypes prototype per type name (subset of names; may be empty)
 */
public record DefectTypes(List<String> names, Map<String, float[]> zeroShotPrototypes) {

  /** Validates; copies the collections. */
  public DefectTypes {
    if (names == null || names.isEmpty()) {
      throw new IllegalArgumentException("DefectTypes.names must hold at least one type");
    }
    if (names.stream().distinct().count() != names.size()) {
      throw new IllegalArgumentException("DefectTypes.names must be unique, got " + names);
    }
    names = List.copyOf(names);
    zeroShotPrototypes = zeroShotPrototypes == null ? Map.of() : zeroShotPrototypes;
    int dim = -1;
    for (Map.Entry<String, float[]> e : zeroShotPrototypes.entrySet()) {
      if (!names.contains(e.getKey())) {
        throw new IllegalArgumentException(
            "DefectTypes.zeroShotPrototypes has type '" + e.getKey() + "' not in names " + names);
      }
      if (e.getValue() == null || e.getValue().length == 0
          || (dim >= 0 && e.getValue().length != dim)) {
        throw new IllegalArgumentException(
            "DefectTypes.zeroShotPrototypes must be non-empty vectors of one dimension, type '"
                + e.getKey() + "' breaks that");
      }
      dim = e.getValue().length;
    }
    zeroShotPrototypes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(zeroShotPrototypes));
  }

  /** Types without zero-shot prototypes (few-shot only). */
  public static DefectTypes of(List<String> names) {
    return new DefectTypes(names, Map.of());
  }
}
