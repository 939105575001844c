/**
 * The console's parts: the group-less reader of the output topics ({@code LiveFeed}), the
 * bounded window it fills ({@code RecentFrames}, {@code LineBoard}), server-sent events ({@code
 * EventHub}), frame images ({@code FrameImages}), the label writer and the worker counters it
 * shows, and the HTTP routes ({@code ConsoleRoutes}).
 */
package io.clipline.console.internal;
