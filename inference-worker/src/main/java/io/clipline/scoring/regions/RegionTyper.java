package io.clipline.scoring.regions;

import io.clipline.scoring.DefectTypeGuess;
import io.clipline.scoring.DefectTypes;
import io.clipline.scoring.ScopeProfile;
import io.clipline.scoring.ScoringConfig;
import io.clipline.scoring.memory.FewShotTypeCache;

/**
 * Types a region feature (docs/SCORING.md §5): by the profile's defect types, their zero-shot
 * prototypes (CLIP's logit scale) and the scope's few-shot examples (Tip-Adapter's beta and
 * temperature), all from the {@link ScoringConfig}. Immutable.
 */
public final class RegionTyper {
  private final double typeTemperature;
  private final double fewShotBeta;
  private final double fewShotTemperature;

  /** The typing {@code config} describes. */
  public RegionTyper(ScoringConfig config) {
    this.typeTemperature = config.typeTemperature();
    this.fewShotBeta = config.fewShotBeta();
    this.fewShotTemperature = config.fewShotTemperature();
  }

  /**
   * The type of {@code feature}; null when the profile has no defect types or neither the
   * zero-shot prototypes nor the examples in {@code examples} apply.
   */
  public DefectTypeGuess typeOf(float[] feature, FewShotTypeCache examples, ScopeProfile profile) {
    DefectTypes types = profile.defectTypes();
    if (types == null) {
      return null;
    }
    return examples.classify(
        feature, types.names(), types.zeroShotPrototypes(), typeTemperature, fewShotBeta,
        fewShotTemperature);
  }
}
