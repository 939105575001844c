package io.clipline.camera.internal;

/**
 * One simulated camera: its index among all cameras (from 0) and its ids, e.g. camera
 * {@code line-1/station-2/cam-1} on line {@code line-1} at station {@code station-2}.
 */
public record CameraPosition(int index, String lineId, String stationId, String cameraId) {}
