package io.clipline.eval;

import io.clipline.dataset.DatasetSample;
import io.clipline.scoring.Judgement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Metrics of one stream order over one set of frames (all frames, or those after warm-up).
 *
 * @param images frames counted
 * @param defective defective frames among them
 * @param imageAuroc image AUROC of the engine's normalised score (robust z within the scope)
 * @param imageAurocRaw image AUROC of the raw score (max of the map), comparable across scopes
 *     only when their scales agree
 * @param pixelAuroc pixel AUROC of the anomaly maps (normal pixels grid-sampled)
 * @param aupro AUPRO up to 30 % FPR, normalised
 * @param f1Max image F1-max over thresholds of the normalised score
 * @param falseRejectRate normal frames the engine judged NG
 * @param escapeRate defective frames the engine did not judge NG (OK or UNSURE)
 * @param hindsightEscapeRate defective frames at or below the best fixed threshold on the
 *     normalised score whose false-reject rate over these frames is at most the operating point's
 *     target, chosen in hindsight with the labels ({@link Metrics#escapeAtFalseRejectRate}). The
 *     engine's online limit is set per scope and moment, so it may do better than this one
 *     threshold; where it does not, the gap is what setting the limit online costs. NaN when the
 *     operating point has no target rate (fixed thresholds)
 * @param unsureRate frames the engine judged UNSURE (all warm-up frames are)
 * @param perTypeAuroc image AUROC of each defect type against all normal frames
 * @param perTypePixelAuroc pixel AUROC of each defect type's masked pixels against all normal
 *     pixels (types of masked images only)
 */
public record StreamMetrics(
    int images,
    int defective,
    double imageAuroc,
    double imageAurocRaw,
    double pixelAuroc,
    double aupro,
    double f1Max,
    double falseRejectRate,
    double escapeRate,
    double hindsightEscapeRate,
    double unsureRate,
    Map<String, Double> perTypeAuroc,
    Map<String, Double> perTypePixelAuroc) {
  private static final double MAX_FPR = 0.3;

  /**
   * The metrics of {@code frames} (one shuffle's, or a subset) against the samples' labels, with
   * the hindsight escape at {@code targetFalseRejectRate} (NaN for none).
   */
  static StreamMetrics of(List<DatasetSample> samples, List<Evaluator.Scored> frames,
      PixelCollector pixels, double targetFalseRejectRate) {
    int n = frames.size();
    double[] z = new double[n];
    double[] raw = new double[n];
    boolean[] labels = new boolean[n];
    int defective = 0;
    int falseRejects = 0;
    int escapes = 0;
    int unsure = 0;
    for (int i = 0; i < n; i++) {
      Evaluator.Scored f = frames.get(i);
      z[i] = f.normalized();
      raw[i] = f.raw();
      labels[i] = samples.get(f.sample()).defective();
      defective += labels[i] ? 1 : 0;
      boolean rejected = f.verdict() == Judgement.NG;
      falseRejects += !labels[i] && rejected ? 1 : 0;
      escapes += labels[i] && !rejected ? 1 : 0;
      unsure += f.verdict() == Judgement.UNSURE ? 1 : 0;
    }
    Map<String, Double> perType = new TreeMap<>();
    for (String type : new TreeSet<>(frames.stream()
        .map(f -> samples.get(f.sample())).filter(DatasetSample::defective)
        .map(DatasetSample::defectType).toList())) {
      List<Evaluator.Scored> subset = frames.stream().filter(f -> {
        DatasetSample e = samples.get(f.sample());
        return !e.defective() || e.defectType().equals(type);
      }).toList();
      double[] zs = subset.stream().mapToDouble(Evaluator.Scored::normalized).toArray();
      boolean[] ls = new boolean[subset.size()];
      for (int i = 0; i < ls.length; i++) {
        ls[i] = samples.get(subset.get(i).sample()).defective();
      }
      perType.put(type, Metrics.auroc(zs, ls));
    }
    int normal = n - defective;
    return new StreamMetrics(n, defective, Metrics.auroc(z, labels), Metrics.auroc(raw, labels),
        pixels.auroc(), pixels.aupro(MAX_FPR),
        defective == 0 ? Double.NaN : Metrics.f1Max(z, labels).f1(),
        normal == 0 ? Double.NaN : falseRejects / (double) normal,
        defective == 0 ? Double.NaN : escapes / (double) defective,
        Metrics.escapeAtFalseRejectRate(z, labels, targetFalseRejectRate),
        n == 0 ? Double.NaN : unsure / (double) n, perType, pixels.aurocPerType());
  }

  /** The image ROC curve of the normalised scores of {@code frames}. */
  static List<Metrics.RocPoint> roc(List<DatasetSample> samples, List<Evaluator.Scored> frames) {
    double[] z = frames.stream().mapToDouble(Evaluator.Scored::normalized).toArray();
    boolean[] labels = new boolean[frames.size()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = samples.get(frames.get(i).sample()).defective();
    }
    return Metrics.rocCurve(z, labels);
  }
}
