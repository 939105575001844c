/**
 * Camera frames to model input: {@link io.clipline.imaging.FrameDecoder} checks a frame's size
 * limits before decoding it with OpenCV, and {@link io.clipline.imaging.Preprocessor} resizes and
 * normalises it into the float tensor layout a model's manifest declares.
 */
package io.clipline.imaging;
