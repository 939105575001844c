/**
 * Zero-shot and online-rarity scoring of camera frames (RareCLIP with streaming additions): pure
 * Java, no I/O. {@link io.clipline.scoring.ScoringEngine} is the entry point.
 */
package io.clipline.scoring;
