/**
 * The model contract: a model folder's manifest ({@code clipline-model.json}), the choice of ONNX
 * Runtime execution provider, and the image and text encoders that run the folder's ONNX files and
 * hand back plain Java arrays.
 */
package io.clipline.model;
