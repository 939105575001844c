package io.clipline.pipeline.internal;

import io.clipline.schemas.Verdict;
import java.util.Collection;

/**
 * The fusion rule of an item over its views: NG if any view is NG; else UNSURE if any view is
 * UNSURE; else OK. A missing view counts as the configured verdict (UNSURE by default).
 */
public final class ItemFusionRule {
  private ItemFusionRule() {}

  public static Verdict fuse(Collection<Verdict> views, int missingViews, Verdict missingAs) {
    Verdict fused = Verdict.OK;
    for (Verdict v : views) {
      fused = worse(fused, v);
    }
    if (missingViews > 0) {
      fused = worse(fused, missingAs);
    }
    return fused;
  }

  /** Severity order: NG worst, then UNSURE, then OK. */
  public static int severity(Verdict v) {
    return switch (v) {
      case NG -> 2;
      case UNSURE -> 1;
      case OK -> 0;
    };
  }

  static Verdict worse(Verdict a, Verdict b) {
    return severity(b) > severity(a) ? b : a;
  }
}
