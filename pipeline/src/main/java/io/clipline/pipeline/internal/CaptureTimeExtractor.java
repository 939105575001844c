package io.clipline.pipeline.internal;

import io.clipline.schemas.DefectEvent;
import io.clipline.schemas.FrameVerdict;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Event time of verdicts and defect events is the frame's capture time, so that windows and
 * stream time follow the camera clock, not the time the worker wrote the record.
 */
public final class CaptureTimeExtractor implements TimestampExtractor {
  @Override
  public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
    Object value = record.value();
    if (value instanceof FrameVerdict verdict) {
      return verdict.getCaptureTime().toEpochMilli();
    }
    if (value instanceof DefectEvent defect) {
      return defect.getFrame().getCaptureTime().toEpochMilli();
    }
    return record.timestamp() >= 0 ? record.timestamp() : partitionTime;
  }
}
