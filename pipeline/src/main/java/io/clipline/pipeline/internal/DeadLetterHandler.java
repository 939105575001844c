package io.clipline.pipeline.internal;

import io.clipline.schemas.DeadLetter;
import io.clipline.schemas.DeadLetterHeader;
import io.clipline.schemas.DeadLetterStage;
import io.clipline.schemas.serde.RecordDecodeException;
import io.clipline.schemas.serde.SerdeSettings;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes an input record that cannot be deserialized to the dead-letter topic as a {@link
 * DeadLetter} (stage PIPELINE, the decoder's reason code) and lets the application continue. The
 * dead letter is handed back to Kafka Streams (KIP-1034), so it is written in the same
 * transaction as the task's other output and offsets.
 */
public final class DeadLetterHandler implements DeserializationExceptionHandler {
  /** Streams config key of the dead-letter topic. */
  public static final String DLQ_TOPIC_CONFIG = "clipline.pipeline.dlq.topic";
  /** Streams config key of a {@link PipelineMetrics} instance (optional). */
  public static final String METRICS_CONFIG = "clipline.pipeline.metrics";
  /**
   * Streams config key of the {@link SerdeSettings} the dead letters are written with (optional:
   * single-object encoding without it).
   */
  public static final String SERDE_CONFIG = "clipline.pipeline.serde";
  /** Reason code for a deserialization failure that is not a {@link RecordDecodeException}. */
  public static final String OTHER_REASON = "pipeline.deserialize";

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterHandler.class);

  private String topic;
  private Serializer<DeadLetter> letters;
  private String processId;
  private PipelineMetrics metrics;

  @Override
  public void configure(Map<String, ?> configs) {
    Object dlq = configs.get(DLQ_TOPIC_CONFIG);
    if (dlq == null || dlq.toString().isBlank()) {
      throw new org.apache.kafka.common.config.ConfigException(DLQ_TOPIC_CONFIG, dlq,
          "the dead-letter topic must be set");
    }
    this.topic = dlq.toString();
    Object serdes = configs.get(SERDE_CONFIG);
    this.letters = (serdes instanceof SerdeSettings settings ? settings : SerdeSettings.SINGLE_OBJECT)
        .serdeFor(DeadLetter.class).serializer();
    Object appId = configs.get(StreamsConfig.APPLICATION_ID_CONFIG);
    this.processId = appId == null ? "pipeline" : appId.toString();
    Object m = configs.get(METRICS_CONFIG);
    this.metrics = m instanceof PipelineMetrics pm ? pm : null;
  }

  @Override
  public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
      Exception exception) {
    String reasonCode = exception instanceof RecordDecodeException e
        ? e.reason().code() : OTHER_REASON;
    List<DeadLetterHeader> headers = new ArrayList<>();
    for (Header h : record.headers()) {
      headers.add(new DeadLetterHeader(h.key(),
          h.value() == null ? null : ByteBuffer.wrap(h.value())));
    }
    DeadLetter letter = DeadLetter.newBuilder()
        .setOriginalTopic(record.topic())
        .setOriginalPartition(record.partition())
        .setOriginalOffset(record.offset())
        .setOriginalTimestamp(
            record.timestamp() < 0 ? null : Instant.ofEpochMilli(record.timestamp()))
        .setOriginalKey(record.key() == null ? null : ByteBuffer.wrap(record.key()))
        .setOriginalValue(record.value() == null ? null : ByteBuffer.wrap(record.value()))
        .setOriginalValueSize(record.value() == null ? 0 : record.value().length)
        .setHeaders(headers)
        .setStage(DeadLetterStage.PIPELINE)
        .setReason(String.valueOf(exception.getMessage()))
        .setReasonCode(reasonCode)
        .setExceptionClass(exception.getClass().getName())
        .setCameraId(record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8))
        .setWorkerId(processId + "/" + context.taskId())
        .setTime(Instant.now())
        .build();
    LOG.warn("Dead-lettering {}-{}@{} ({}): {}", record.topic(), record.partition(),
        record.offset(), reasonCode, exception.getMessage());
    if (metrics != null) {
      metrics.deadLetter(reasonCode);
    }
    return Response.resume(List.of(
        new ProducerRecord<>(topic, null, record.key(), letters.serialize(topic, letter))));
  }
}
