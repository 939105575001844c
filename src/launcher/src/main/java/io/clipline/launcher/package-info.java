/** The {@code clipline} command line: one entry point for every Clipline process. */
package io.clipline.launcher;
