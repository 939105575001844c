package io.clipline.pipeline.internal;

import io.clipline.schemas.FrameVerdict;
import io.clipline.schemas.ItemVerdict;

/**
 * A decided item on its way from fusion to the reject stage: the {@link ItemVerdict} plus what a
 * reject command needs and the item record lacks. Never serialized: it only travels between two
 * processors of one task.
 *
 * @param earliest the item's earliest view: the deadline is computed from its capture time and
 *     its station's gate
 * @param deciding the worst view, whose model and threshold versions go into the command
 * @param failedByMissingViews true when the verdict is worse than OK only because views were
 *     missing
 */
public record FusedItem(ItemVerdict item, FrameVerdict earliest, FrameVerdict deciding,
    boolean failedByMissingViews) {}
