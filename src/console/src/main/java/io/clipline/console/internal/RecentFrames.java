package io.clipline.console.internal;

import io.clipline.schemas.DefectEvent;
import io.clipline.schemas.FrameVerdict;
import io.clipline.schemas.RejectCommand;
import io.clipline.schemas.Verdict;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The bounded window of the newest NG and UNSURE frames, with the regions and reject commands
 * that belong to them. Verdicts, defect events and reject commands come on different topics in
 * any order, so regions and rejects that arrive before their frame wait in bounded maps of their
 * own. Memory is bounded by the capacity whatever the frame rate. Thread-safe.
 */
public final class RecentFrames {
  private final int capacity;
  /** frameId → card, oldest first. */
  private final Map<String, FrameCard> cards;
  /** frameId → regions of frames whose verdict has not arrived (or was OK). */
  private final Map<String, List<DefectEvent>> waitingRegions;
  /** itemId → gate, the newest reject commands. */
  private final Map<String, String> rejects;

  /** A window of the newest {@code capacity} NG and UNSURE frames. */
  public RecentFrames(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
    }
    this.capacity = capacity;
    this.cards = bounded(capacity);
    this.waitingRegions = bounded(4 * capacity);
    this.rejects = bounded(4 * capacity);
  }

  private static <K, V> Map<K, V> bounded(int max) {
    return new LinkedHashMap<>() {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > max;
      }
    };
  }

  public int capacity() {
    return capacity;
  }

  /** Adds a verdict; the new card when it is NG or UNSURE, empty for an OK frame. */
  public synchronized Optional<FrameCard> addVerdict(FrameVerdict verdict) {
    List<DefectEvent> regions = waitingRegions.remove(verdict.getFrameId());
    if (verdict.getVerdict() == Verdict.OK) {
      return Optional.empty();
    }
    String item = verdict.getItemId();
    FrameCard card = new FrameCard(verdict, regions == null ? List.of() : regions,
        item == null ? null : rejects.get(item), List.of());
    cards.remove(verdict.getFrameId());
    cards.put(verdict.getFrameId(), card);
    return Optional.of(card);
  }

  /** Adds a region; the updated card when its frame is in the window. */
  public synchronized Optional<FrameCard> addRegion(DefectEvent region) {
    String frameId = region.getFrame().getFrameId();
    FrameCard card = cards.get(frameId);
    if (card == null) {
      waitingRegions.computeIfAbsent(frameId, k -> new ArrayList<>()).add(region);
      return Optional.empty();
    }
    FrameCard updated = card.withRegion(region);
    cards.put(frameId, updated);
    return Optional.of(updated);
  }

  /** Adds a reject command; the cards of its item that it updated. */
  public synchronized List<FrameCard> addReject(RejectCommand reject) {
    rejects.put(reject.getItemId(), reject.getGateId());
    List<FrameCard> updated = new ArrayList<>();
    for (Map.Entry<String, FrameCard> e : cards.entrySet()) {
      if (reject.getItemId().equals(e.getValue().verdict().getItemId())) {
        e.setValue(e.getValue().withRejectGate(reject.getGateId()));
        updated.add(e.getValue());
      }
    }
    return updated;
  }

  /** Notes a label written for a frame in the window; the updated card, empty when gone. */
  public synchronized Optional<FrameCard> addLabel(String frameId, String label) {
    FrameCard card = cards.get(frameId);
    if (card == null) {
      return Optional.empty();
    }
    FrameCard updated = card.withLabel(label);
    cards.put(frameId, updated);
    return Optional.of(updated);
  }

  public synchronized Optional<FrameCard> get(String frameId) {
    return Optional.ofNullable(cards.get(frameId));
  }

  /** Every card in the window, newest first. */
  public synchronized List<FrameCard> newestFirst() {
    List<FrameCard> all = new ArrayList<>(cards.values());
    Collections.reverse(all);
    return all;
  }
}
