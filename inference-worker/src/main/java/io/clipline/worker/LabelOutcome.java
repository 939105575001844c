package io.clipline.worker;

import java.util.Locale;

/**
 * What became of one operator label record. The worker decides {@link #UNDECODABLE}, {@link
 * #DUPLICATE} and {@link #FAILED}; the scorer decides the others for the labels it is handed.
 */
public enum LabelOutcome {
  /** The scorer changed its memory: forgot a frame labelled NG or learned a labelled region. */
  APPLIED,
  /** The labelled frame is no longer (or was never) among the scorer's recent frames. */
  UNKNOWN_FRAME,
  /** The label asks for nothing the scorer can do (an OK confirmation, a retraction ...). */
  IGNORED,
  /** A label with a labelId already applied. */
  DUPLICATE,
  /** The record is not an {@code OperatorLabel}; logged and skipped. */
  UNDECODABLE,
  /** The scorer threw while applying the label; logged and skipped. */
  FAILED;

  /** The metric tag value: the name in lower case. */
  public String tag() {
    return name().toLowerCase(Locale.ROOT);
  }
}
