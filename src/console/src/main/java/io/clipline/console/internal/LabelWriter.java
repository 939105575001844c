package io.clipline.console.internal;

import io.clipline.console.ConsoleConfig;
import io.clipline.schemas.BoundingBox;
import io.clipline.schemas.FrameVerdict;
import io.clipline.schemas.LabelAction;
import io.clipline.schemas.OperatorLabel;
import io.clipline.schemas.Verdict;
import io.clipline.schemas.serde.SchemaRegistration;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Turns an operator's click into one {@link OperatorLabel} on the labels topic, keyed by the
 * camera and sent to the partition numbered like the frame's (the worker that owns the frame
 * reads exactly that label partition). A labelId already written is answered with its first
 * result and not written again, so a double click, a retried request or a second tab make one
 * label. Thread-safe: writes are serialised, which the rate of human clicks allows.
 */
public final class LabelWriter implements AutoCloseable {
  static final int REMEMBERED_LABEL_IDS = 10_000;
  private static final long SEND_TIMEOUT_MS = 10_000;

  /** What the page asks for. */
  public enum Kind {
    /** The frame is NG: confirms an NG verdict, overrides an UNSURE or OK one. */
    CONFIRM_NG,
    /** The frame is OK: overrides the model's NG or UNSURE. */
    OVERRIDE_OK,
    /** A region of a defect type, to teach the worker's few-shot type cache. */
    REGION
  }

  /**
   * One click of the page.
   *
   * @param labelId the id the page made for the click, unique per click
   * @param frameId the labelled frame
   * @param kind what the operator said
   * @param defectType for {@link Kind#REGION}: the type; optional for {@link Kind#CONFIRM_NG}
   * @param region for {@link Kind#REGION}: the box in frame pixels
   * @param operator name or badge, optional
   */
  public record LabelRequest(String labelId, String frameId, Kind kind, String defectType,
      Box region, String operator) {}

  /** A box in frame pixels, as the page sends it. */
  public record Box(int x, int y, int width, int height) {}

  /** What happened: where the label lies, and whether it had been written already. */
  public record Written(String labelId, String summary, int partition, long offset,
      boolean duplicate) {
    Written asDuplicate() {
      return new Written(labelId, summary, partition, offset, true);
    }
  }

  /** The request cannot become a label; the message says why, for the operator. */
  public static final class BadLabelException extends Exception {
    private static final long serialVersionUID = 1L;

    BadLabelException(String message) {
      super(message);
    }
  }

  private final Serializer<OperatorLabel> serde;
  private final KafkaProducer<byte[], byte[]> producer;
  private final String topic;
  private final Map<String, Written> written = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Written> eldest) {
      return size() > REMEMBERED_LABEL_IDS;
    }
  };

  public LabelWriter(ConsoleConfig config) {
    this.topic = config.getString(ConsoleConfig.LABELS_TOPIC);
    // Registry format: register the label schema first; a refused change stops start-up.
    SchemaRegistration.register(config.serdeSettings(), Map.of(topic, OperatorLabel.class));
    this.serde = config.serdeSettings().serdeFor(OperatorLabel.class).serializer();
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        String.join(",", config.getList(ConsoleConfig.BOOTSTRAP_SERVERS)));
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "clipline-console-labels");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    props.putAll(config.clientOverrides("producer."));
    this.producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /**
   * Writes the label {@code request} asks for on {@code verdict}'s frame, once per labelId.
   *
   * @throws BadLabelException when the request is incomplete or contradicts itself
   * @throws IllegalStateException when Kafka did not take the label in time
   */
  public synchronized Written write(LabelRequest request, FrameVerdict verdict)
      throws BadLabelException {
    Written earlier = written.get(request.labelId());
    if (earlier != null) {
      return earlier.asDuplicate();
    }
    OperatorLabel label = label(request, verdict);
    Integer partition = partitionOf(verdict);
    byte[] key = verdict.getCameraId().getBytes(StandardCharsets.UTF_8);
    RecordMetadata meta;
    try {
      meta = producer.send(new ProducerRecord<>(topic, partition, key, serde.serialize(topic, label)))
          .get(SEND_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("label not written to " + topic + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted writing the label", e);
    }
    Written done = new Written(request.labelId(), summary(label), meta.partition(),
        meta.offset(), false);
    written.put(request.labelId(), done);
    return done;
  }

  /** The label of {@code request}, checked. */
  static OperatorLabel label(LabelRequest request, FrameVerdict verdict)
      throws BadLabelException {
    if (request.labelId() == null || request.labelId().isBlank()
        || request.labelId().length() > 100) {
      throw new BadLabelException("labelId must be 1 to 100 characters");
    }
    if (request.kind() == null) {
      throw new BadLabelException("kind must be one of CONFIRM_NG, OVERRIDE_OK, REGION");
    }
    OperatorLabel.Builder label = OperatorLabel.newBuilder()
        .setLabelId(request.labelId())
        .setFrameId(verdict.getFrameId())
        .setCameraId(verdict.getCameraId())
        .setProduct(verdict.getProduct())
        .setModelVerdict(verdict.getVerdict())
        .setOperator(blankToNull(request.operator()))
        .setLabelTime(Instant.now());
    switch (request.kind()) {
      case CONFIRM_NG -> label.setConfirmedVerdict(Verdict.NG)
          .setAction(verdict.getVerdict() == Verdict.NG ? LabelAction.CONFIRM : LabelAction.OVERRIDE)
          .setDefectType(blankToNull(request.defectType()));
      case OVERRIDE_OK -> label.setConfirmedVerdict(Verdict.OK)
          .setAction(verdict.getVerdict() == Verdict.OK ? LabelAction.CONFIRM : LabelAction.OVERRIDE);
      case REGION -> {
        Box box = request.region();
        if (box == null || box.width() < 1 || box.height() < 1 || box.x() < 0 || box.y() < 0) {
          throw new BadLabelException("a region label needs a box of at least 1 x 1 pixels");
        }
        String type = blankToNull(request.defectType());
        if (type == null || type.length() > 64) {
          throw new BadLabelException("a region label needs a defect type (1 to 64 characters)");
        }
        label.setAction(LabelAction.ANNOTATE).setConfirmedVerdict(Verdict.UNSURE)
            .setDefectType(type.toLowerCase(Locale.ROOT))
            .setRegion(new BoundingBox(box.x(), box.y(), box.width(), box.height()));
      }
      default -> throw new IllegalStateException("unhandled kind " + request.kind());
    }
    return label.build();
  }

  /** The frame's partition number when the labels topic has it; else the key decides. */
  private Integer partitionOf(FrameVerdict verdict) {
    if (verdict.getFramePosition() == null) {
      return null;
    }
    int frame = verdict.getFramePosition().getPartition();
    List<PartitionInfo> partitions = producer.partitionsFor(topic);
    return frame < partitions.size() ? frame : null;
  }

  private static String summary(OperatorLabel label) {
    return label.getAction() == LabelAction.ANNOTATE
        ? "REGION " + label.getDefectType()
        : label.getAction() + " " + label.getConfirmedVerdict();
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
