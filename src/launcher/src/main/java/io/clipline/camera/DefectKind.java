package io.clipline.camera;

import java.util.Locale;

/** Defects that {@link ProceduralSurfaces} paints onto a surface. */
public enum DefectKind {
  /** A thin bright or dark straight line. */
  SCRATCH,
  /** A dark disc. */
  HOLE,
  /** A dark random-walk polyline. */
  CRACK,
  /** A low-contrast soft blob, brighter or darker than the surface. */
  STAIN;

  /** The defect type name sent as ground truth, e.g. {@code scratch}. */
  public String typeName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
