/**
 * Offline evaluation of the streaming scorer on labelled image datasets (manifest CSV, MVTec AD,
 * VisA): stream replay per scope, image and pixel metrics (docs/SCORING.md §6), reports and plots.
 */
package io.clipline.eval;
