package io.clipline.inference;

import io.clipline.imaging.CropGeometry;
import io.clipline.schemas.BoundingBox;
import io.clipline.schemas.LabelAction;
import io.clipline.schemas.OperatorLabel;
import io.clipline.schemas.Verdict;
import io.clipline.scoring.DefectTypes;
import io.clipline.scoring.FrameFeatures;
import io.clipline.scoring.Judgement;
import io.clipline.scoring.ScopeProfile;
import io.clipline.scoring.ScoringEngine;
import io.clipline.worker.LabelOutcome;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operator labels applied to the engine: a bounded cache of the last scored frames (their last
 * feature layer and crop), the geometry that maps a labelled box onto the model-input map, and
 * the scope's defect-type list that labelled types widen. Only the scoring thread uses it; the
 * outcome counters may be read from any thread.
 */
final class LabelApplier {
  private static final Logger LOG = LoggerFactory.getLogger(LabelApplier.class);
  /** Defect types operators may teach one scope; a further type is ignored. */
  static final int MAX_LABELLED_TYPES = 64;

  private final ScoringEngine engine;
  /** The last {@code labelCacheFrames} scored frames by frameId, oldest first. */
  private final Map<String, RecentFrame> recentFrames;
  private final int labelCacheFrames;
  private final Map<LabelOutcome, AtomicLong> labelCounts = new EnumMap<>(LabelOutcome.class);

  /** Labels for frames {@code engine} scored, of which the last {@code labelCacheFrames} are kept. */
  LabelApplier(ScoringEngine engine, int labelCacheFrames) {
    if (labelCacheFrames < 0) {
      throw new IllegalArgumentException("labelCacheFrames must be >= 0, got " + labelCacheFrames);
    }
    this.engine = engine;
    this.labelCacheFrames = labelCacheFrames;
    this.recentFrames = new LinkedHashMap<>() {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, RecentFrame> eldest) {
        return size() > labelCacheFrames;
      }
    };
    for (LabelOutcome outcome : List.of(
        LabelOutcome.APPLIED, LabelOutcome.UNKNOWN_FRAME, LabelOutcome.IGNORED)) {
      labelCounts.put(outcome, new AtomicLong());
    }
  }

  /**
   * Applies an operator label to the engine when its frame is among the last {@code
   * labels.cache.frames} scored (in the scope that scored it):
   *
   * <ul>
   *   <li>NG confirmed or set by an override: the scope's memory forgets what it learned from the
   *       frame ({@link ScoringEngine#label}), so that a defect does not become "normal";
   *   <li>a defect type with a region: the region, mapped from frame pixels onto the model input,
   *       is pooled as the engine pools detected regions and becomes a few-shot example of the
   *       type ({@link ScoringEngine#addDefectExample}); a type new to the scope joins its defect
   *       types (up to {@value #MAX_LABELLED_TYPES}), so later regions can be typed with it;
   *   <li>OK confirmed or set by an override for a frame the memory did not learn (a reviewed
   *       reject): the memory learns it now ({@link ScoringEngine#learnGood}), so the good
   *       variant it shows stops being rejected;
   * </ul>
   *
   * <p>Everything else is ignored: OK confirmations of frames the memory learned, a type without a
   * region, a region outside
   * the model input, and RETRACT, because what a label changed cannot be undone: the forgotten
   * prototypes are gone and a few-shot example cannot be told apart from later ones. Never throws
   * for a label it cannot use; {@link #labels} counts each outcome.
   */
  void apply(OperatorLabel label) {
    if (label.getAction() == LabelAction.RETRACT) {
      LOG.info("label {} retracts label {}: a change to the memory cannot be undone; ignored",
          label.getLabelId(), label.getSupersedesLabelId());
      count(LabelOutcome.IGNORED);
      return;
    }
    RecentFrame frame = recentFrames.get(label.getFrameId());
    if (frame == null) {
      LOG.debug("label {}: frame {} is not among the last {} scored; ignored", label.getLabelId(),
          label.getFrameId(), recentFrames.size());
      count(LabelOutcome.UNKNOWN_FRAME);
      return;
    }
    boolean applied = false;
    if (label.getConfirmedVerdict() == Verdict.NG
        && (label.getAction() == LabelAction.CONFIRM || label.getAction() == LabelAction.OVERRIDE)) {
      boolean forgot = engine.label(frame.scope(), frame.sequence(), Judgement.NG);
      LOG.debug("label {}: frame {} is NG; scope {} {}", label.getLabelId(), label.getFrameId(),
          frame.scope(), forgot ? "forgot what it learned from it" : "had learned nothing from it");
      applied = true;
    }
    if (label.getConfirmedVerdict() == Verdict.OK
        && (label.getAction() == LabelAction.CONFIRM || label.getAction() == LabelAction.OVERRIDE)
        && frame.unlearned() != null) {
      boolean learned = engine.learnGood(frame.scope(), frame.sequence(), frame.unlearned());
      LOG.debug("label {}: frame {} is OK; scope {} {}", label.getLabelId(), label.getFrameId(),
          frame.scope(), learned ? "learned it (a reviewed reject)" : "already held it");
      applied |= learned;
    }
    String type = label.getDefectType();
    if (type != null && !type.isBlank() && label.getRegion() != null) {
      applied |= learnRegion(label, frame, type);
    }
    if (!applied) {
      LOG.debug("label {} of frame {} asks for nothing the scorer does; ignored",
          label.getLabelId(), label.getFrameId());
    }
    count(applied ? LabelOutcome.APPLIED : LabelOutcome.IGNORED);
  }

  /** Adds the label's region as a few-shot example; false when it cannot. */
  private boolean learnRegion(OperatorLabel label, RecentFrame frame, String type) {
    boolean[] mask = maskOf(label.getRegion(), frame.crop(),
        frame.features().outputHeight(), frame.features().outputWidth());
    if (mask == null) {
      LOG.info("label {}: region {} lies outside the model input of frame {}; not learned",
          label.getLabelId(), label.getRegion(), label.getFrameId());
      return false;
    }
    ScopeProfile current = engine.profile(frame.scope()).orElseThrow();
    DefectTypes types = current.defectTypes();
    if (types == null || !types.names().contains(type)) {
      List<String> names = types == null ? new ArrayList<>() : new ArrayList<>(types.names());
      if (names.size() >= MAX_LABELLED_TYPES) {
        LOG.warn("label {}: scope {} already has {} defect types; type '{}' not learned",
            label.getLabelId(), frame.scope(), names.size(), type);
        return false;
      }
      names.add(type);
      ScopeProfile widened = new ScopeProfile(current.text(),
          new DefectTypes(names, types == null ? Map.of() : types.zeroShotPrototypes()));
      engine.configureScope(frame.scope(), widened);
    }
    engine.addDefectExample(frame.scope(), type, ScoringEngine.regionFeature(frame.features(), mask));
    return true;
  }

  /**
   * The pixels of the {@code height x width} model-input map whose centres lie in {@code box}
   * (frame pixels), row-major; at least the pixel under the box's centre; null when the box is
   * empty or outside the model input.
   */
  static boolean[] maskOf(BoundingBox box, CropGeometry crop, int height, int width) {
    if (box.getWidth() < 1 || box.getHeight() < 1) {
      return null;
    }
    int[] cols = span(crop.toInputX(box.getX()) * width,
        crop.toInputX(box.getX() + box.getWidth()) * width, width);
    int[] rows = span(crop.toInputY(box.getY()) * height,
        crop.toInputY(box.getY() + box.getHeight()) * height, height);
    if (cols == null || rows == null) {
      return null;
    }
    boolean[] mask = new boolean[height * width];
    for (int y = rows[0]; y <= rows[1]; y++) {
      Arrays.fill(mask, y * width + cols[0], y * width + cols[1] + 1, true);
    }
    return mask;
  }

  /** First and last map pixel whose centre lies in [from, to), within [0, size); or null. */
  private static int[] span(double from, double to, int size) {
    int first = (int) Math.ceil(from - 0.5);
    int last = (int) Math.ceil(to - 0.5) - 1;
    if (last < first) {
      first = (int) Math.floor((from + to) / 2);
      last = first;
    }
    first = Math.max(first, 0);
    last = Math.min(last, size - 1);
    return first <= last ? new int[] {first, last} : null;
  }

  /** Labels the scorer was handed that came to {@code outcome}; 0 for the worker's outcomes. */
  long labels(LabelOutcome outcome) {
    AtomicLong count = labelCounts.get(outcome);
    return count == null ? 0 : count.get();
  }

  private void count(LabelOutcome outcome) {
    labelCounts.get(outcome).incrementAndGet();
  }

  /**
   * Keeps a scored frame for labels: the last layer, the one regions are pooled from, and, for a
   * frame the memory did not learn ({@code admitted} false: judged NG), every feature, which an
   * OK label then lets the memory learn. NG frames are few, so the cache stays about the size of
   * its last layers.
   */
  void remember(String frameId, String scope, long sequence, FrameFeatures features,
      CropGeometry crop, boolean admitted) {
    if (labelCacheFrames == 0) {
      return;
    }
    FrameFeatures lastLayer = FrameFeatures.ofPatches(features.rows(), features.cols(),
        List.of(features.layers().get(features.layers().size() - 1)),
        features.outputHeight(), features.outputWidth());
    recentFrames.put(
        frameId, new RecentFrame(scope, sequence, lastLayer, crop, admitted ? null : features));
  }

  /**
   * A scored frame as a label needs it; {@code unlearned} holds the whole features of a frame the
   * memory did not learn, null for the others.
   */
  private record RecentFrame(
      String scope, long sequence, FrameFeatures features, CropGeometry crop,
      FrameFeatures unlearned) {}
}
