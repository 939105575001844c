package io.clipline.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.clipline.camera.FrameReader;
import io.clipline.camera.GroundTruthHeaders;
import io.clipline.camera.SharedDatasets;
import io.clipline.schemas.CameraFrame;
import io.clipline.schemas.FrameEncoding;
import io.clipline.schemas.topic.TopicCatalog;
import io.clipline.testkit.KafkaCluster;
import io.clipline.testkit.KafkaClusterTest;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** camera-sim on a real broker: the frames a consumer reads back are the ones it reports. */
class CameraSimCommandIntegrationTest {
  private static final Pattern ITEM_ID =
      Pattern.compile("item-[0-9a-f]{8}-(line-\\d+)-(station-\\d+)-(\\d+)");
  private static final Set<String> MAGNETIC_TILE_DEFECTS =
      Set.of("Blowhole", "Break", "Crack", "Fray", "Uneven");

  @KafkaClusterTest
  void shouldPublishFrameCountWithCameraLineAndItemIdsWhenFramesAreGiven(KafkaCluster cluster)
      throws InterruptedException {
    String topic = framesTopic(cluster);

    CommandRun run = CommandRun.of("camera-sim", "--bootstrap-servers", cluster.bootstrapServers(),
        "--topic", topic, "--frames", "24", "--fps", "200", "--lines", "2", "--cameras", "4",
        "--cameras-per-station", "2", "--width", "64", "--height", "64", "--encoding", "JPEG");
    List<ConsumerRecord<String, CameraFrame>> records =
        FrameReader.readAll(cluster.bootstrapServers(), topic, 24);

    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("frames sent     24 "), run.out());
    assertTrue(run.out().matches("(?s).*\\R  dropped +0\\R.*"), "nothing dropped: " + run.out());
    assertTrue(run.out().contains("per camera      3 frames, 8 cameras"), run.out());
    assertEquals(24, records.size());
    Map<String, Set<String>> camerasByItem = new TreeMap<>();
    Map<String, Integer> framesByCamera = new HashMap<>();
    for (ConsumerRecord<String, CameraFrame> record : records) {
      CameraFrame frame = record.value();
      assertEquals(frame.getCameraId(), record.key());
      assertTrue(frame.getCameraId().startsWith(
          frame.getLineId() + "/" + frame.getStationId() + "/cam-"), frame.getCameraId());
      var item = ITEM_ID.matcher(frame.getItemId());
      assertTrue(item.matches(), frame.getItemId());
      assertEquals(frame.getLineId(), item.group(1));
      assertEquals(frame.getStationId(), item.group(2));
      assertEquals(frame.getSequence(), Long.parseLong(item.group(3)));
      assertEquals(FrameEncoding.JPEG, frame.getEncoding());
      assertNotNull(FrameReader.header(record, GroundTruthHeaders.LABEL));
      camerasByItem.computeIfAbsent(frame.getItemId(), i -> new TreeSet<>())
          .add(frame.getCameraId());
      framesByCamera.merge(frame.getCameraId(), 1, Integer::sum);
    }
    assertEquals(Set.of("line-1/station-1/cam-1", "line-1/station-1/cam-2",
        "line-1/station-2/cam-1", "line-1/station-2/cam-2", "line-2/station-1/cam-1",
        "line-2/station-1/cam-2", "line-2/station-2/cam-1", "line-2/station-2/cam-2"),
        framesByCamera.keySet());
    framesByCamera.forEach((camera, frames) -> assertEquals(3, frames, camera));
    assertEquals(12, camerasByItem.size(), "3 rounds x 4 stations: " + camerasByItem.keySet());
    camerasByItem.forEach((item, cameras) -> assertEquals(2, cameras.size(), item));
  }

  @KafkaClusterTest
  void shouldCarryGroundTruthHeadersWhenDatasetIsMagneticTileManifest(KafkaCluster cluster)
      throws InterruptedException {
    Optional<Path> manifest = SharedDatasets.find(SharedDatasets.MAGNETIC_TILE);
    assumeTrue(manifest.isPresent(), SharedDatasets.absentMessage(SharedDatasets.MAGNETIC_TILE));
    String topic = framesTopic(cluster);

    CommandRun run = CommandRun.of("camera-sim", "--bootstrap-servers", cluster.bootstrapServers(),
        "--topic", topic, "--dataset", manifest.get().toString(), "--frames", "20", "--fps", "200",
        "--cameras", "2", "--defect-rate", "0.5");
    List<ConsumerRecord<String, CameraFrame>> records =
        FrameReader.readAll(cluster.bootstrapServers(), topic, 20);

    assertEquals(0, run.exitCode(), run.err());
    assertEquals(20, records.size());
    int defective = 0;
    for (ConsumerRecord<String, CameraFrame> record : records) {
      assertEquals("magnetic_tile", record.value().getProduct());
      assertEquals(FrameEncoding.JPEG, record.value().getEncoding());
      String label = FrameReader.header(record, GroundTruthHeaders.LABEL);
      String defect = FrameReader.header(record, GroundTruthHeaders.DEFECT);
      if ("1".equals(label)) {
        defective++;
        assertTrue(MAGNETIC_TILE_DEFECTS.contains(defect), "defect type " + defect);
      } else {
        assertEquals("0", label);
        assertNull(defect);
      }
    }
    assertTrue(defective > 0 && defective < 20, "defective frames: " + defective);
    assertTrue(run.out().contains("normal " + (20 - defective) + ", defective " + defective),
        run.out());
  }

  @KafkaClusterTest
  void shouldLeaveOutGroundTruthHeadersWhenAskedTo(KafkaCluster cluster)
      throws InterruptedException {
    String topic = framesTopic(cluster);

    CommandRun run = CommandRun.of("camera-sim", "--bootstrap-servers", cluster.bootstrapServers(),
        "--topic", topic, "--frames", "6", "--fps", "200", "--width", "64", "--height", "64",
        "--no-ground-truth");
    List<ConsumerRecord<String, CameraFrame>> records =
        FrameReader.readAll(cluster.bootstrapServers(), topic, 6);

    assertEquals(0, run.exitCode(), run.err());
    assertEquals(6, records.size());
    records.forEach(record -> assertNull(FrameReader.header(record, GroundTruthHeaders.LABEL)));
  }

  @KafkaClusterTest
  void shouldExitWithOneLineWhenTopicIsMissing(KafkaCluster cluster) {
    CommandRun run = CommandRun.of("camera-sim", "--bootstrap-servers", cluster.bootstrapServers(),
        "--topic", "clipline.no-such-topic", "--frames", "1");

    assertEquals(1, run.exitCode());
    assertEquals("clipline camera-sim: topic clipline.no-such-topic does not exist at "
        + cluster.bootstrapServers() + "; `clipline broker` creates every Clipline topic",
        run.err().strip());
  }

  private static String framesTopic(KafkaCluster cluster) throws InterruptedException {
    return cluster.createIsolatedTopics("camsim-cmd", List.of(TopicCatalog.FRAMES))
        .get(TopicCatalog.FRAMES.name());
  }
}
