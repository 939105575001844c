package io.clipline.console.internal;

import io.clipline.schemas.DefectEvent;
import io.clipline.schemas.FrameVerdict;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One NG or UNSURE frame as the page shows it: its verdict, the defect regions found so far, the
 * reject gate that was ordered to divert its item (null when none yet) and the labels written
 * for it here. Immutable; {@link RecentFrames} replaces a card when something arrives.
 *
 * @param verdict the frame's verdict
 * @param regions its defect events, by region index
 * @param rejectGate the gate of a reject command for its item; null when none was seen
 * @param labels what the labels written for it said, oldest first (for example "OVERRIDE OK")
 */
public record FrameCard(
    FrameVerdict verdict, List<DefectEvent> regions, String rejectGate, List<String> labels) {
  public FrameCard {
    regions = regions.stream()
        .sorted(Comparator.comparingInt(DefectEvent::getRegionIndex)).toList();
    labels = List.copyOf(labels);
  }

  public String frameId() {
    return verdict.getFrameId();
  }

  FrameCard withRegion(DefectEvent region) {
    List<DefectEvent> more = new ArrayList<>(regions);
    more.removeIf(r -> r.getRegionIndex() == region.getRegionIndex());
    more.add(region);
    return new FrameCard(verdict, more, rejectGate, labels);
  }

  FrameCard withRejectGate(String gate) {
    return new FrameCard(verdict, regions, gate, labels);
  }

  FrameCard withLabel(String label) {
    List<String> more = new ArrayList<>(labels);
    more.add(label);
    return new FrameCard(verdict, regions, rejectGate, more);
  }
}
