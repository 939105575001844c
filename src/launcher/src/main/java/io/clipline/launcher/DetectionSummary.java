package io.clipline.launcher;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Detection quality of a run where ground truth is known: image AUROC of the scores and, at
 * the worker's verdicts, the false-reject rate on good parts and the escape rate on bad ones.
 */
record DetectionSummary(
    int good,
    int bad,
    double auroc,
    double falseRejectRate,
    double escapeRate,
    double medianGoodScore,
    double medianBadScore) {

  /** One scored frame: its score, whether the worker said NG, whether it truly is defective. */
  record Scored(double score, boolean rejected, boolean defective) {}

  static DetectionSummary of(List<Scored> frames) {
    List<Double> goodScores = new ArrayList<>();
    List<Double> badScores = new ArrayList<>();
    int falseRejects = 0;
    int escapes = 0;
    for (Scored s : frames) {
      if (s.defective()) {
        badScores.add(s.score());
        escapes += s.rejected() ? 0 : 1;
      } else {
        goodScores.add(s.score());
        falseRejects += s.rejected() ? 1 : 0;
      }
    }
    return new DetectionSummary(goodScores.size(), badScores.size(),
        auroc(goodScores, badScores),
        goodScores.isEmpty() ? Double.NaN : falseRejects / (double) goodScores.size(),
        badScores.isEmpty() ? Double.NaN : escapes / (double) badScores.size(),
        median(goodScores), median(badScores));
  }

  private static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }

  /** Probability that a bad frame scores above a good one (ties count half). */
  static double auroc(List<Double> good, List<Double> bad) {
    if (good.isEmpty() || bad.isEmpty()) {
      return Double.NaN;
    }
    double wins = 0;
    for (double b : bad) {
      for (double g : good) {
        wins += b > g ? 1 : b == g ? 0.5 : 0;
      }
    }
    return wins / ((double) good.size() * bad.size());
  }

  String describe() {
    return String.format(Locale.ROOT,
        "%d good / %d defective frames after warm-up: image AUROC %.3f, false-reject rate %.1f %%,"
            + " escape rate %.1f %%, median score good %.2f / defective %.2f", good, bad, auroc,
        100 * falseRejectRate, 100 * escapeRate, medianGoodScore, medianBadScore);
  }
}
