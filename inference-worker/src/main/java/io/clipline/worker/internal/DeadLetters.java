package io.clipline.worker.internal;

import io.clipline.schemas.CameraFrame;
import io.clipline.schemas.DeadLetter;
import io.clipline.schemas.DeadLetterHeader;
import io.clipline.schemas.DeadLetterStage;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** Builds the dead-letter record of a frame: the original bytes and headers, stage and reason. */
public final class DeadLetters {
  private final String workerId;

  public DeadLetters(String workerId) {
    this.workerId = workerId;
  }

  /**
   * @param meta the frame's record when it could be read, else {@code null}
   */
  public DeadLetter of(
      ConsumerRecord<byte[], byte[]> record, FrameRejectedException reason, CameraFrame meta) {
    List<DeadLetterHeader> headers = new ArrayList<>();
    for (Header header : record.headers()) {
      headers.add(new DeadLetterHeader(header.key(),
          header.value() == null ? null : ByteBuffer.wrap(header.value())));
    }
    byte[] value = record.value();
    return DeadLetter.newBuilder()
        .setOriginalTopic(record.topic())
        .setOriginalPartition(record.partition())
        .setOriginalOffset(record.offset())
        .setOriginalTimestamp(record.timestamp() < 0 ? null : Instant.ofEpochMilli(record.timestamp()))
        .setOriginalKey(record.key() == null ? null : ByteBuffer.wrap(record.key()))
        .setOriginalValue(value == null ? null : ByteBuffer.wrap(value))
        .setOriginalValueSize(value == null ? 0 : value.length)
        .setHeaders(headers)
        .setStage(DeadLetterStage.valueOf(reason.stage().name()))
        .setReason(String.valueOf(reason.getMessage()))
        .setReasonCode(reason.reasonCode())
        .setExceptionClass(reason.exceptionClass())
        .setFrameId(meta == null ? null : meta.getFrameId())
        .setCameraId(meta == null ? null : meta.getCameraId())
        .setWorkerId(workerId)
        .setTime(Instant.now())
        .build();
  }
}
