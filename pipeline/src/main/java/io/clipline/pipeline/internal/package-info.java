/**
 * The pipeline's processors and their state: item fusion with a deadline punctuator, reject
 * de-duplication, windowed line statistics, alert detectors and the dead-letter handler. Not a
 * public API; {@link io.clipline.pipeline.PipelineTopology} wires them.
 */
package io.clipline.pipeline.internal;
