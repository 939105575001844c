/** Joins the model runtime and the scoring engine into the worker's frame scorer. */
package io.clipline.inference;
