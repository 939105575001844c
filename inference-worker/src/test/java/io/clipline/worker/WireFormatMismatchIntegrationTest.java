package io.clipline.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clipline.schemas.CameraFrame;
import io.clipline.schemas.DeadLetter;
import io.clipline.schemas.DeadLetterStage;
import io.clipline.schemas.FrameVerdict;
import io.clipline.schemas.serde.AvroSerde;
import io.clipline.schemas.serde.SerdeSettings;
import io.clipline.schemas.topic.TopicCatalog;
import io.clipline.testkit.KafkaCluster;
import io.clipline.testkit.KafkaClusterTest;
import io.clipline.worker.internal.FrameIntake;
import io.clipline.worker.internal.FrameRejectedException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

/**
 * Records written in one wire format and read by a reader of the other, on the real broker and
 * without a schema registry: the single-object worker dead-letters schema-registry framing, and
 * a registry-format reader refuses single-object values before it would ask a registry, each
 * with reason {@code schema.wrong_format} and a text that says which format it found; and a
 * registry frame whose registry does not answer is refused as {@code schema.registry_unavailable}.
 */
class WireFormatMismatchIntegrationTest {
  private static final AvroSerde<DeadLetter> LETTERS = AvroSerde.of(DeadLetter.class);
  private static final AvroSerde<FrameVerdict> VERDICTS = AvroSerde.of(FrameVerdict.class);

  @KafkaClusterTest
  void shouldDeadLetterRegistryFramedFramesWhenTheWorkerReadsSingleObject(KafkaCluster cluster)
      throws Exception {
    Map<String, String> topics = WorkerIntegrationTest.topics(cluster, "wrong-format");
    String frames = topics.get(TopicCatalog.FRAMES.name());
    try (KafkaProducer<byte[], byte[]> producer = TopicReader.producer(cluster.bootstrapServers())) {
      for (int i = 0; i < 3; i++) {
        CameraFrame frame = TestFrames.jpeg("registry-" + i, 0, i, 80);
        TopicReader.send(producer, frames, frame.getCameraId(), confluentFramed(frame, 17 + i));
      }
      CameraFrame good = TestFrames.jpeg("single-object", 0, 3, 80);
      TopicReader.send(producer, frames, good.getCameraId(), TestFrames.SERDE.encode(good));
    }
    try (InferenceWorker worker = new InferenceWorker(
        new WorkerConfig(WorkerIntegrationTest.workerProps(cluster, topics, "w-format")),
        new BrightnessScorer(), new WorkerListener() {})) {
      worker.start();
      List<DeadLetter> letters = TopicReader.read(cluster.bootstrapServers(),
          topics.get(TopicCatalog.FRAMES_DLQ.name()), 3, Duration.ofSeconds(60),
          Duration.ofSeconds(1), LETTERS::decode);
      List<FrameVerdict> verdicts = TopicReader.read(cluster.bootstrapServers(),
          topics.get(TopicCatalog.VERDICTS.name()), 1, Duration.ofSeconds(30),
          Duration.ofSeconds(1), VERDICTS::decode);

      assertEquals(3, letters.size());
      for (DeadLetter letter : letters) {
        assertEquals(DeadLetterStage.DESERIALIZE, letter.getStage());
        assertEquals("schema.wrong_format", letter.getReasonCode());
        assertTrue(letter.getReason().contains("schema-registry wire format"), letter.getReason());
        assertTrue(letter.getReason().contains("serde.format=registry"), letter.getReason());
        assertEquals(0, letter.getOriginalValue().get(0), "original bytes kept");
      }
      assertEquals(List.of("single-object"),
          verdicts.stream().map(FrameVerdict::getFrameId).toList());
    }
  }

  @KafkaClusterTest
  void shouldRefuseSingleObjectFramesInARegistryReaderWithoutAskingTheRegistry(
      KafkaCluster cluster) {
    String frames = cluster.createIsolatedTopics("wrong-format-registry",
        List.of(TopicCatalog.FRAMES)).get(TopicCatalog.FRAMES.name());
    try (KafkaProducer<byte[], byte[]> producer = TopicReader.producer(cluster.bootstrapServers())) {
      CameraFrame frame = TestFrames.jpeg("single-object", 0, 0, 80);
      TopicReader.send(producer, frames, frame.getCameraId(), TestFrames.SERDE.encode(frame));
    }
    byte[] value = TopicReader.read(cluster.bootstrapServers(), frames, 1, Duration.ofSeconds(30),
        Duration.ZERO, v -> v).get(0);
    // Nothing listens on port 9: the refusal must come before any request to the registry.
    SerdeSettings registry = SerdeSettings.registry("http://127.0.0.1:9", Map.of());
    FrameIntake intake = new FrameIntake(registry.serdeFor(CameraFrame.class).deserializer(),
        frames, null, null, 1 << 20, f -> f);

    FrameRejectedException e = assertThrows(FrameRejectedException.class, () -> intake.read(value));

    assertEquals("schema.wrong_format", e.reasonCode());
    assertTrue(e.getMessage().contains("single-object encoding (C3 01)"), e.getMessage());
    assertTrue(e.getMessage().contains("serde.format=single-object"), e.getMessage());
  }

  @Test
  void shouldRefuseARegistryFrameWithReasonRegistryUnavailableWhenTheRegistryDoesNotAnswer()
      throws IOException {
    // Nothing listens on port 9: the schema id cannot be looked up. That is no fault of the
    // record, and the reason says so (not decode.failed), naming the registry.
    SerdeSettings registry = SerdeSettings.registry("http://127.0.0.1:9", Map.of());
    FrameIntake intake = new FrameIntake(registry.serdeFor(CameraFrame.class).deserializer(),
        "frames", null, null, 1 << 20, f -> f);
    byte[] value = confluentFramed(TestFrames.jpeg("registry", 0, 0, 80), 7);

    FrameRejectedException e = assertThrows(FrameRejectedException.class, () -> intake.read(value));

    assertEquals("schema.registry_unavailable", e.reasonCode());
    assertTrue(e.getMessage().contains("http://127.0.0.1:9"), e.getMessage());
    assertTrue(e.getMessage().contains("schema id 7"), e.getMessage());
  }

  /** The frame as a Confluent serializer frames it: 00, a 4-byte schema id, the Avro body. */
  private static byte[] confluentFramed(CameraFrame frame, int schemaId) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(new byte[] {0, 0, 0, 0, (byte) schemaId});
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new SpecificDatumWriter<>(CameraFrame.class).write(frame, encoder);
    encoder.flush();
    byte[] bytes = out.toByteArray();
    assertTrue(Arrays.equals(new byte[] {0, 0, 0, 0, (byte) schemaId},
        Arrays.copyOf(bytes, 5)));
    return bytes;
  }
}
