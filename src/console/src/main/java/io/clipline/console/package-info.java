/**
 * The operator console: a web page with the live NG and UNSURE frames of the line, their
 * anomaly maps and regions, line statistics and alerts, and one-click operator labels written to
 * {@code clipline.labels.v1}. {@link io.clipline.console.OperatorConsole} runs it, {@link
 * io.clipline.console.ConsoleConfig} configures it; the parts live in {@code internal}.
 */
package io.clipline.console;
