package io.clipline.worker.internal;

import io.clipline.schemas.CameraFrame;
import io.clipline.schemas.DeadLetter;
import io.clipline.schemas.DefectEvent;
import io.clipline.schemas.FramePosition;
import io.clipline.schemas.FrameVerdict;
import io.clipline.schemas.StageLatencies;
import io.clipline.schemas.serde.SerdeSettings;
import io.clipline.worker.FrameResult;
import io.clipline.worker.WorkerConfig;
import io.clipline.worker.WorkerException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a judged batch into the records the worker writes: a verdict and its defect events for
 * each scored frame ({@link VerdictRecords}), and for each refused frame what {@code
 * error.policy} says: a dead letter ({@link DeadLetters}), nothing, or a {@link WorkerException}
 * that stops the worker. Thread-safe.
 */
public final class OutputRecords {
  private static final Logger LOG = LoggerFactory.getLogger(OutputRecords.class);

  /**
   * What one batch writes.
   *
   * @param records every record to send, in order: the dead letters of frames intake refused,
   *     then per ready frame its verdict and defects, or its dead letter
   * @param verdicts the verdicts among them, for the listener once committed
   * @param letters the dead letters among them, likewise
   */
  public record BatchRecords(
      List<ProducerRecord<byte[], byte[]>> records,
      List<FrameVerdict> verdicts,
      List<DeadLetter> letters) {
    public BatchRecords {
      records = List.copyOf(records);
      verdicts = List.copyOf(verdicts);
      letters = List.copyOf(letters);
    }
  }

  private final Serializer<FrameVerdict> verdictSerde;
  private final Serializer<DefectEvent> defectSerde;
  private final Serializer<DeadLetter> deadLetterSerde;
  private final VerdictRecords verdicts;
  private final DeadLetters deadLetters;
  private final FrameIntake intake;
  private final WorkerConfig.ErrorPolicy errorPolicy;
  private final String verdictsTopic;
  private final String defectsTopic;
  private final String dlqTopic;

  /** @param intake reads the metadata of refused frames for their dead letters */
  public OutputRecords(
      WorkerConfig config, VerdictRecords verdicts, DeadLetters deadLetters, FrameIntake intake) {
    this.verdicts = verdicts;
    this.deadLetters = deadLetters;
    this.intake = intake;
    this.errorPolicy = config.errorPolicy();
    SerdeSettings serdes = config.serdeSettings();
    this.verdictSerde = serdes.serdeFor(FrameVerdict.class).serializer();
    this.defectSerde = serdes.serdeFor(DefectEvent.class).serializer();
    this.deadLetterSerde = serdes.serdeFor(DeadLetter.class).serializer();
    this.verdictsTopic = config.getString(WorkerConfig.VERDICTS_TOPIC);
    this.defectsTopic = config.getString(WorkerConfig.DEFECTS_TOPIC);
    this.dlqTopic = config.getString(WorkerConfig.DLQ_TOPIC);
  }

  /**
   * Scoring thread, before {@code staged} is judged: with {@code error.policy=FAIL} a frame
   * intake refused stops the worker here, before the scorer sees the batch.
   *
   * @throws WorkerException when a frame was refused and {@code error.policy=FAIL}
   */
  public void failFast(StagedBatch<?> staged) {
    if (errorPolicy == WorkerConfig.ErrorPolicy.FAIL && !staged.refused().isEmpty()) {
      StagedBatch.Refused first = staged.refused().get(0);
      reject(first.polled(), first.reason(), new ArrayList<>(), new ArrayList<>());
    }
  }

  /**
   * The records of {@code judged}. Model and engine time are spread evenly over the ready
   * frames; a frame's batch wait runs from its poll to when its batch's model stage started.
   *
   * @throws WorkerException when a frame is refused and {@code error.policy=FAIL}
   */
  public BatchRecords of(JudgedBatch judged) {
    StagedBatch<?> staged = judged.staged();
    List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
    List<FrameVerdict> batchVerdicts = new ArrayList<>();
    List<DeadLetter> letters = new ArrayList<>();
    for (StagedBatch.Refused refused : staged.refused()) {
      reject(refused.polled(), refused.reason(), out, letters);
    }
    float frames = Math.max(1, staged.ready().size());
    float inferenceMs = judged.times().inferenceNanos() / 1e6f / frames;
    float engineMs = judged.times().scoringNanos() / 1e6f / frames;
    for (JudgedBatch.Judgement judgement : judged.judgements()) {
      StagedBatch.Ready ready = judgement.frame();
      if (judgement instanceof JudgedBatch.Refused refused) {
        reject(ready.polled(), refused.reason(), out, letters);
        continue;
      }
      FrameResult result = ((JudgedBatch.Scored) judgement).result();
      FrameIntake.Prepared prepared = ready.prepared();
      PolledFrame polled = ready.polled();
      float queueMs =
          Math.max(0, polled.polledMillis() - prepared.meta().getCaptureTime().toEpochMilli());
      StageLatencies latencies = new StageLatencies(queueMs, prepared.fetchMs(),
          prepared.decodeMs(), (staged.stagedNanos() - polled.polledNanos()) / 1e6f, inferenceMs,
          engineMs);
      ConsumerRecord<byte[], byte[]> frame = polled.record();
      FrameVerdict verdict = verdicts.verdict(prepared.meta(),
          new FramePosition(frame.topic(), frame.partition(), frame.offset()), result, latencies);
      batchVerdicts.add(verdict);
      byte[] key = frame.key();
      out.add(new ProducerRecord<>(verdictsTopic, key, verdictSerde.serialize(null, verdict)));
      for (DefectEvent defect : verdicts.defects(prepared.meta(), result)) {
        out.add(new ProducerRecord<>(defectsTopic, key, defectSerde.serialize(null, defect)));
      }
    }
    return new BatchRecords(out, batchVerdicts, letters);
  }

  private void reject(PolledFrame polled, FrameRejectedException reason,
      List<ProducerRecord<byte[], byte[]>> out, List<DeadLetter> letters) {
    ConsumerRecord<byte[], byte[]> record = polled.record();
    switch (errorPolicy) {
      case FAIL:
        throw new WorkerException("frame at " + record.topic() + "-" + record.partition() + "@"
            + record.offset() + " refused (" + reason.reasonCode() + ") and error.policy=FAIL: "
            + reason.getMessage(), reason);
      case CONTINUE:
        LOG.warn("skipping frame at {}-{}@{}: {} {}", record.topic(), record.partition(),
            record.offset(), reason.reasonCode(), reason.getMessage());
        return;
      default:
        DeadLetter letter = deadLetters.of(record, reason, metaOrNull(record));
        letters.add(letter);
        out.add(new ProducerRecord<>(dlqTopic, record.key(), deadLetterSerde.serialize(null, letter)));
    }
  }

  private CameraFrame metaOrNull(ConsumerRecord<byte[], byte[]> record) {
    try {
      return intake.read(record.value());
    } catch (FrameRejectedException e) {
      return null;
    }
  }
}
