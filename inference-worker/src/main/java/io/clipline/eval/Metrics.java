package io.clipline.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Detection metrics (docs/SCORING.md §6). Higher scores mean "more anomalous"; ties count half, as in
 * the Mann–Whitney statistic and scikit-learn's {@code roc_auc_score}.
 */
public final class Metrics {
  private Metrics() {}

  /** A point of a ROC curve. */
  public record RocPoint(double fpr, double tpr) {}

  /** Best F1 over all thresholds ({@code score >= t} is positive) and the threshold reaching it. */
  public record F1Max(double f1, double threshold, double precision, double recall) {}

  /** AUROC of image scores: {@code labels[i]} true for positives (defective). */
  public static double auroc(double[] scores, boolean[] labels) {
    int positives = 0;
    for (boolean b : labels) {
      positives += b ? 1 : 0;
    }
    float[] pos = new float[positives];
    float[] neg = new float[labels.length - positives];
    int p = 0;
    int n = 0;
    for (int i = 0; i < scores.length; i++) {
      if (labels[i]) {
        pos[p++] = (float) scores[i];
      } else {
        neg[n++] = (float) scores[i];
      }
    }
    return auroc(pos, pos.length, neg, neg.length);
  }

  /**
   * AUROC of positive scores {@code pos[0..np)} against negative ones {@code neg[0..nn)}: the
   * probability that a random positive scores above a random negative, ties counting half.
   * Sorts both arrays in place. NaN when either side is empty.
   */
  public static double auroc(float[] pos, int np, float[] neg, int nn) {
    if (np == 0 || nn == 0) {
      return Double.NaN;
    }
    Arrays.sort(pos, 0, np);
    Arrays.sort(neg, 0, nn);
    double wins = 0;
    int below = 0;
    int upTo = 0;
    for (int i = 0; i < np; i++) {
      float s = pos[i];
      while (below < nn && neg[below] < s) {
        below++;
      }
      upTo = Math.max(upTo, below);
      while (upTo < nn && neg[upTo] <= s) {
        upTo++;
      }
      wins += below + 0.5 * (upTo - below);
    }
    return wins / ((double) np * nn);
  }

  /** The ROC curve, one point per distinct threshold, from (0, 0) to (1, 1). */
  public static List<RocPoint> rocCurve(double[] scores, boolean[] labels) {
    Integer[] order = descending(scores);
    int positives = 0;
    for (boolean b : labels) {
      positives += b ? 1 : 0;
    }
    int negatives = labels.length - positives;
    List<RocPoint> curve = new ArrayList<>();
    curve.add(new RocPoint(0, 0));
    int tp = 0;
    int fp = 0;
    for (int k = 0; k < order.length; k++) {
      int i = order[k];
      if (labels[i]) {
        tp++;
      } else {
        fp++;
      }
      if (k + 1 == order.length || scores[order[k + 1]] != scores[i]) {
        curve.add(new RocPoint(
            negatives == 0 ? 0 : fp / (double) negatives, positives == 0 ? 0 : tp / (double) positives));
      }
    }
    return curve;
  }

  /** The maximum F1 over thresholds; all-zero when there are no positives. */
  public static F1Max f1Max(double[] scores, boolean[] labels) {
    Integer[] order = descending(scores);
    int positives = 0;
    for (boolean b : labels) {
      positives += b ? 1 : 0;
    }
    F1Max best = new F1Max(0, Double.NaN, 0, 0);
    int tp = 0;
    int flagged = 0;
    for (int k = 0; k < order.length; k++) {
      int i = order[k];
      tp += labels[i] ? 1 : 0;
      flagged++;
      boolean lastOfTie = k + 1 == order.length || scores[order[k + 1]] != scores[i];
      if (lastOfTie && positives > 0) {
        double precision = tp / (double) flagged;
        double recall = tp / (double) positives;
        double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        if (f1 > best.f1()) {
          best = new F1Max(f1, scores[i], precision, recall);
        }
      }
    }
    return best;
  }

  /**
   * The escape rate of the best fixed threshold that holds a false-reject rate: the share of
   * positives (defective) scoring at or below the lowest threshold {@code t} above which at most
   * {@code floor(targetFalseRejectRate * negatives)} negatives score ({@code score > t} is a
   * reject). The threshold is chosen in hindsight, with the labels, so it is what the scores
   * allow at that false-reject rate, not what an online operating point reaches. NaN when either
   * side is empty or the target is not in [0, 1).
   */
  public static double escapeAtFalseRejectRate(double[] scores, boolean[] labels,
      double targetFalseRejectRate) {
    int negatives = 0;
    for (boolean b : labels) {
      negatives += b ? 0 : 1;
    }
    int positives = labels.length - negatives;
    if (positives == 0 || negatives == 0
        || !(targetFalseRejectRate >= 0 && targetFalseRejectRate < 1)) {
      return Double.NaN;
    }
    double[] good = new double[negatives];
    int g = 0;
    for (int i = 0; i < scores.length; i++) {
      if (!labels[i]) {
        good[g++] = scores[i];
      }
    }
    Arrays.sort(good);
    int allowed = (int) Math.floor(targetFalseRejectRate * negatives);
    double threshold = good[negatives - 1 - allowed]; // at most `allowed` good scores lie above it
    int escapes = 0;
    for (int i = 0; i < scores.length; i++) {
      escapes += labels[i] && !(scores[i] > threshold) ? 1 : 0;
    }
    return escapes / (double) positives;
  }

  /**
   * Area under the per-region-overlap curve up to {@code maxFpr}, divided by {@code maxFpr} (1 is
   * perfect). {@code fpr} and {@code pro} are the curve's points in order of decreasing threshold
   * (so non-decreasing FPR); the curve is cut at {@code maxFpr} by linear interpolation.
   */
  public static double normalizedAreaUpTo(double[] fpr, double[] pro, double maxFpr) {
    double area = 0;
    double x0 = 0;
    double y0 = 0;
    for (int i = 0; i < fpr.length; i++) {
      double x1 = fpr[i];
      double y1 = pro[i];
      if (x1 >= maxFpr) {
        double y = x1 == x0 ? y1 : y0 + (y1 - y0) * (maxFpr - x0) / (x1 - x0);
        area += (maxFpr - x0) * (y0 + y) / 2;
        return area / maxFpr;
      }
      area += (x1 - x0) * (y0 + y1) / 2;
      x0 = x1;
      y0 = y1;
    }
    // The curve ends at FPR 1 when every pixel is counted, so this is reached only for empty input.
    return fpr.length == 0 ? Double.NaN : area / maxFpr;
  }

  /** Mean of the finite values; NaN when none. */
  public static double mean(double[] values) {
    double sum = 0;
    int n = 0;
    for (double v : values) {
      if (Double.isFinite(v)) {
        sum += v;
        n++;
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  /** Sample standard deviation (n − 1) of the finite values; 0 for one value, NaN for none. */
  public static double std(double[] values) {
    double m = mean(values);
    double sum = 0;
    int n = 0;
    for (double v : values) {
      if (Double.isFinite(v)) {
        sum += (v - m) * (v - m);
        n++;
      }
    }
    return n == 0 ? Double.NaN : n == 1 ? 0 : Math.sqrt(sum / (n - 1));
  }

  private static Integer[] descending(double[] scores) {
    Integer[] order = new Integer[scores.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
    return order;
  }
}
