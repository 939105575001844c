package io.clipline.scoring;

/**
 * What a scope's product brings to scoring beyond the image features.
 *
 * @param text text branch, or null for rarity-only scoring (e.g. the texture model)
 * @param defectTypes defect types of the product, or null to leave regions untyped
 */
public record ScopeProfile(TextBranch text, DefectTypes defectTypes) {
  /** Rarity only, untyped regions. */
  public static ScopeProfile rarityOnly() {
    return new ScopeProfile(null, null);
  }
}
