package io.clipline.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clipline.schemas.CameraFrame;
import io.clipline.schemas.FrameEncoding;
import io.clipline.schemas.topic.TopicCatalog;
import io.clipline.testkit.KafkaCluster;
import io.clipline.testkit.KafkaClusterTest;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** The simulator on a real broker: what it reports sending is what a consumer reads back. */
class CameraSimulatorIntegrationTest {
  private static final int FRAMES = 30;

  @KafkaClusterTest
  void shouldReadBackEveryFrameWithGroundTruthWhenThirtyFramesArePublished(KafkaCluster cluster)
      throws Exception {
    String topic = cluster.createIsolatedTopics("camsim", List.of(TopicCatalog.FRAMES))
        .get(TopicCatalog.FRAMES.name());
    SimulatorSettings settings = SimulatorSettings.builder(cluster.bootstrapServers())
        .topic(topic)
        .lines(2)
        .camerasPerLine(3)
        .framesPerSecond(200)
        .frameCount(FRAMES)
        .defectRate(0.3)
        .encoding(FrameEncoding.JPEG)
        .size(64, 64)
        .seed(5)
        .build();

    SimulationSummary summary;
    try (CameraSimulator simulator = new CameraSimulator(settings)) {
      summary = simulator.run();
    }
    List<ConsumerRecord<String, CameraFrame>> records =
        FrameReader.readAll(cluster.bootstrapServers(), topic, FRAMES);

    assertEquals(FRAMES, summary.framesSent());
    assertEquals(FRAMES, records.size());
    assertEquals(6, summary.framesPerCamera().size());
    summary.framesPerCamera().forEach((camera, count) -> assertEquals(5L, count, camera));
    assertEquals(FRAMES, summary.labelsSent().values().stream().mapToLong(Long::longValue).sum());
    assertTrue(summary.bytesSent() > 0);

    Map<String, Long> lastSequence = new HashMap<>();
    Map<String, Set<String>> camerasPerItem = new HashMap<>();
    long defective = 0;
    for (ConsumerRecord<String, CameraFrame> record : records) {
      CameraFrame frame = record.value();
      assertEquals(frame.getCameraId(), record.key());
      assertEquals(frame.getLineId() + "/" + frame.getStationId(),
          frame.getCameraId().substring(0, frame.getCameraId().lastIndexOf('/')));
      Long previous = lastSequence.put(frame.getCameraId(), frame.getSequence());
      assertTrue(previous == null || frame.getSequence() > previous,
          frame.getCameraId() + ": sequence " + frame.getSequence() + " after " + previous);
      camerasPerItem.computeIfAbsent(frame.getItemId(), i -> new HashSet<>())
          .add(frame.getCameraId());
      assertNull(frame.getImageUri());
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes(frame.getImage())));
      assertEquals(64, image.getWidth());
      assertEquals(64, image.getHeight());

      String label = FrameReader.header(record, GroundTruthHeaders.LABEL);
      assertNotNull(label, "every procedural frame has a label header");
      if (label.equals("1")) {
        defective++;
        assertNotNull(FrameReader.header(record, GroundTruthHeaders.DEFECT));
      } else {
        assertEquals("0", label);
        assertNull(FrameReader.header(record, GroundTruthHeaders.DEFECT));
      }
    }
    assertEquals(10, camerasPerItem.size(), "5 rounds x 2 stations");
    camerasPerItem.forEach((item, cameras) -> assertEquals(3, cameras.size(), item));
    assertEquals(summary.labelsSent().getOrDefault(GroundTruth.Label.DEFECTIVE, 0L), defective);
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
  }
}
