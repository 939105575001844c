/**
 * Labelled image datasets on disk, read one way for every caller: a manifest CSV
 * ({@code path,label[,class][,mask_path][,...]}), MVTec AD / VisA folders
 * ({@code <category>/test/<defect>/*} with {@code <category>/ground_truth/<defect>/*_mask.png}),
 * and, where a caller allows it, a flat folder of unlabelled images. {@code clipline eval} and
 * the camera simulator both read through {@link io.clipline.dataset.DatasetReader}; each gives
 * its {@link io.clipline.dataset.DatasetReader.Rules} and words its own errors
 * ({@link io.clipline.dataset.DatasetReader.Complaints}). Plain Java, no I/O library.
 */
package io.clipline.dataset;
