package io.clipline.scoring;

/** Decision for one frame: below the OK threshold, above the NG threshold, or in between. */
public enum Verdict {
  OK,
  NG,
  UNSURE
}
