/**
 * Numerical kernels the scoring parts share (vector products, percentiles, map resizing and
 * blurring); not a public API and may change without notice.
 */
package io.clipline.scoring.internal;
