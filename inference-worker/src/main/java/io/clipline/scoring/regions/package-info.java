/**
 * Defect regions of an anomaly map: connected components, their pooled features and their
 * defect types; used by {@link io.clipline.scoring.ScoringEngine}, not a public API.
 */
package io.clipline.scoring.regions;
