/**
 * A scope's memory: its rarity banks, score normaliser and few-shot examples ({@link
 * io.clipline.scoring.memory.ScopeState}), the per-frame assessment against them and the binary
 * snapshot codecs; used by {@link io.clipline.scoring.ScoringEngine}, not a public API.
 */
package io.clipline.scoring.memory;
