/**
 * The camera simulator: publishes {@code CameraFrame} records for simulated production-line
 * cameras, from procedurally generated surfaces or from a folder of real images, with optional
 * ground truth in Kafka headers. The {@code clipline camera-sim} and {@code clipline demo}
 * commands call {@link io.clipline.camera.CameraSimulator}.
 */
package io.clipline.camera;
