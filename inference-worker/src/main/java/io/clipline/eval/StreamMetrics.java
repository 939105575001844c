package io.clipline.eval;

import java.util.Map;

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
 * @param unsureRate frames the engine judged UNSURE (all warm-up frames are)
 * @param perTypeAuroc image AUROC of each defect type against all normal frames
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
    double unsureRate,
    Map<String, Double> perTypeAuroc) {}
