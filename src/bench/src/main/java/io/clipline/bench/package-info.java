/** Benchmarks of the worker and the scoring engine; run by hand, figures in docs/BENCHMARKS.md. */
package io.clipline.bench;
