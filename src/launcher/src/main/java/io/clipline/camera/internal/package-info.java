/**
 * Building blocks of the camera simulator that are not its API: camera layout, pacing, texture
 * and defect rendering, image encoding and send bookkeeping.
 */
package io.clipline.camera.internal;
