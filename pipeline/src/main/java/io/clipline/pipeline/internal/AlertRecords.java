package io.clipline.pipeline.internal;

import io.clipline.schemas.Alert;
import io.clipline.schemas.AlertKind;
import io.clipline.schemas.AlertSeverity;
import io.clipline.schemas.AlertState;
import java.time.Instant;

/** Builds {@link Alert} records with their deterministic episode id. */
final class AlertRecords {
  private AlertRecords() {}

  /** kind:lineId:cameraId:defectType:since, with "-" for absent parts. */
  static String alertId(AlertKind kind, String lineId, String cameraId, String defectType,
      long since) {
    return String.join(":", kind.name().toLowerCase(java.util.Locale.ROOT), lineId,
        cameraId == null ? "-" : cameraId, defectType == null ? "-" : defectType,
        Long.toString(since));
  }

  static Alert alert(AlertKind kind, AlertState state, String lineId, String cameraId,
      String defectType, long since, double observed, double baseline, AlertSeverity severity,
      String message, long now) {
    return Alert.newBuilder()
        .setAlertId(alertId(kind, lineId, cameraId, defectType, since))
        .setKind(kind)
        .setState(state)
        .setLineId(lineId)
        .setCameraId(cameraId)
        .setDefectType(defectType)
        .setSince(Instant.ofEpochMilli(since))
        .setObservedValue(observed)
        .setBaselineValue(baseline)
        .setSeverity(severity)
        .setMessage(message)
        .setTime(Instant.ofEpochMilli(now))
        .build();
  }
}
