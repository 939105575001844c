package io.clipline.scoring;

/**
 * Sizes of a scope's memories, for monitoring and tests.
 *
 * @param frames frames scored (including seeds)
 * @param prototypes prototypes held per bank (index 2 * layer + scale)
 * @param protectedPrototypes protected (k-shot) prototypes per bank
 * @param imageRows image rows held per bank
 * @param prototypeCap cap C_F of every bank
 * @param maxImageRows row cap of every bank
 * @param scoreHistory image scores held by the normaliser
 * @param fewShotExamples labelled defect regions held
 */
public record ScopeStats(
    long frames,
    int[] prototypes,
    int[] protectedPrototypes,
    int[] imageRows,
    int prototypeCap,
    int maxImageRows,
    int scoreHistory,
    int fewShotExamples) {}
