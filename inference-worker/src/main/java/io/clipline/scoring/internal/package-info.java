/**
 * Numerical kernels and per-scope state behind the scoring engine (rarity banks, map operations,
 * normalisation, snapshots); not a public API and may change without notice.
 */
package io.clipline.scoring.internal;
