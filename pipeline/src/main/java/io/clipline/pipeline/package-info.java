/**
 * The Clipline pipeline: a Kafka Streams application that turns per-frame verdicts into item
 * verdicts, reject commands, line statistics and alerts. Its public face is {@link
 * io.clipline.pipeline.PipelineConfig}, {@link io.clipline.pipeline.LineLayout}, {@link
 * io.clipline.pipeline.PipelineTopology} and {@link io.clipline.pipeline.PipelineApp}.
 */
package io.clipline.pipeline;
