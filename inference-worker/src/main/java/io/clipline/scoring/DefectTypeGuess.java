package io.clipline.scoring;

/**
 * The defect type of a region and the runner-up, with their probabilities.
 *
 * @param type most likely defect type
 * @param confidence its probability
 * @param runnerUp second most likely type, or null when only one type is configured
 * @param runnerUpConfidence its probability (NaN without a runner-up)
 */
public record DefectTypeGuess(
    String type, double confidence, String runnerUp, double runnerUpConfidence) {}
