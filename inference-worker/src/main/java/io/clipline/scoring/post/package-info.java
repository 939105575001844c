/**
 * Post-processing of a frame's maps and score: fusion of the rarity and text maps, smoothing
 * into the anomaly map, and the threshold policy that turns a normalised score into a verdict;
 * used by {@link io.clipline.scoring.ScoringEngine}, not a public API.
 */
package io.clipline.scoring.post;
