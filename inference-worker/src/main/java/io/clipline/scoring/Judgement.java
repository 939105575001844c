package io.clipline.scoring;

/**
 * The engine's decision for one frame: below the OK threshold, above the NG threshold, or in
 * between.
 *
 * <p>Not the wire enum {@code io.clipline.schemas.Verdict}: the engine may import only
 * {@code java.*} (src/build/import-control.xml), so it has its own, and {@code
 * inference.ResultMapper} maps one to the other.
 */
public enum Judgement {
  OK,
  NG,
  UNSURE
}
