package io.clipline.console;

import io.clipline.schemas.AnomalyMap;
import io.clipline.schemas.BoundingBox;
import io.clipline.schemas.CameraFrame;
import io.clipline.schemas.DefectEvent;
import io.clipline.schemas.FrameEncoding;
import io.clipline.schemas.FramePosition;
import io.clipline.schemas.FrameRef;
import io.clipline.schemas.FrameVerdict;
import io.clipline.schemas.StageLatencies;
import io.clipline.schemas.Verdict;
import io.clipline.schemas.serde.SerdeSettings;
import io.clipline.schemas.topic.TopicCatalog;
import io.clipline.testkit.KafkaCluster;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** What the console tests share: isolated topics, the console's settings, a line's records. */
final class ConsoleFixtures {
  static final String CAMERA = "line-1/station-1/cam-0";

  private ConsoleFixtures() {}

  static Map<String, String> topics(KafkaCluster cluster, String prefix) {
    return cluster.createIsolatedTopics(prefix, List.of(TopicCatalog.FRAMES,
        TopicCatalog.VERDICTS, TopicCatalog.DEFECTS, TopicCatalog.REJECTS,
        TopicCatalog.LINE_STATS, TopicCatalog.ALERTS, TopicCatalog.LABELS));
  }

  static ConsoleConfig config(KafkaCluster cluster, Map<String, String> topics,
      Map<String, Object> extra) {
    Map<String, Object> props = new HashMap<>(extra);
    props.put(ConsoleConfig.BOOTSTRAP_SERVERS, cluster.bootstrapServers());
    props.put(ConsoleConfig.HTTP_PORT, 0);
    props.put(ConsoleConfig.VERDICTS_TOPIC, topics.get(TopicCatalog.VERDICTS.name()));
    props.put(ConsoleConfig.DEFECTS_TOPIC, topics.get(TopicCatalog.DEFECTS.name()));
    props.put(ConsoleConfig.REJECTS_TOPIC, topics.get(TopicCatalog.REJECTS.name()));
    props.put(ConsoleConfig.LINE_STATS_TOPIC, topics.get(TopicCatalog.LINE_STATS.name()));
    props.put(ConsoleConfig.ALERTS_TOPIC, topics.get(TopicCatalog.ALERTS.name()));
    props.put(ConsoleConfig.LABELS_TOPIC, topics.get(TopicCatalog.LABELS.name()));
    return new ConsoleConfig(props);
  }

  static KafkaProducer<byte[], byte[]> producer(KafkaCluster cluster) {
    return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        cluster.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
        new ByteArraySerializer(), new ByteArraySerializer());
  }

  /**
   * A 64 x 48 GRAY8 frame (every pixel 200), its verdict pointing at it with a 4 x 4 anomaly map
   * hot in one corner, and one 12 x 8 "scratch" region at (5, 6). The frame is written before
   * the verdict is sent; verdict and region are sent without waiting.
   */
  static FrameVerdict publishFrame(KafkaProducer<byte[], byte[]> producer,
      Map<String, String> topics, String frameId, Verdict judged) throws Exception {
    return publishFrame(producer, topics, frameId, judged, SerdeSettings.SINGLE_OBJECT);
  }

  /** {@link #publishFrame} with the records in the wire format {@code serdes} selects. */
  static FrameVerdict publishFrame(KafkaProducer<byte[], byte[]> producer,
      Map<String, String> topics, String frameId, Verdict judged, SerdeSettings serdes)
      throws Exception {
    return publishFrames(producer, topics, List.of(frameId), id -> judged, serdes).get(0);
  }

  /** {@link #publishFrame} for many frames: all frames are sent first, then their verdicts. */
  static List<FrameVerdict> publishFrames(KafkaProducer<byte[], byte[]> producer,
      Map<String, String> topics, List<String> frameIds, Function<String, Verdict> judged)
      throws Exception {
    return publishFrames(producer, topics, frameIds, judged, SerdeSettings.SINGLE_OBJECT);
  }

  private static List<FrameVerdict> publishFrames(KafkaProducer<byte[], byte[]> producer,
      Map<String, String> topics, List<String> frameIds, Function<String, Verdict> judged,
      SerdeSettings serdes) throws Exception {
    String framesTopic = topics.get(TopicCatalog.FRAMES.name());
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    for (String frameId : frameIds) {
      sent.add(send(producer, framesTopic,
          serdes.serdeFor(CameraFrame.class).serializer().serialize(framesTopic, frame(frameId))));
    }
    List<FrameVerdict> verdicts = new ArrayList<>();
    for (int i = 0; i < frameIds.size(); i++) {
      verdicts.add(publishVerdict(producer, topics, frameIds.get(i),
          judged.apply(frameIds.get(i)), sent.get(i).get(), serdes));
    }
    return verdicts;
  }

  private static CameraFrame frame(String frameId) {
    byte[] pixels = new byte[64 * 48];
    Arrays.fill(pixels, (byte) 200);
    return CameraFrame.newBuilder().setFrameId(frameId).setCameraId(CAMERA)
        .setLineId("line-1").setStationId("station-1").setSequence(1)
        .setCaptureTime(Instant.now()).setEncoding(FrameEncoding.GRAY8).setWidth(64)
        .setHeight(48).setImage(ByteBuffer.wrap(pixels)).build();
  }

  private static FrameVerdict publishVerdict(KafkaProducer<byte[], byte[]> producer,
      Map<String, String> topics, String frameId, Verdict judged, RecordMetadata at,
      SerdeSettings serdes) {
    String framesTopic = topics.get(TopicCatalog.FRAMES.name());
    Instant now = Instant.now();
    byte[] map = new byte[16];
    map[0] = (byte) 255;
    FrameVerdict verdict = FrameVerdict.newBuilder().setFrameId(frameId).setCameraId(CAMERA)
        .setLineId("line-1").setStationId("station-1").setItemId("item-" + frameId)
        .setSequence(1).setCaptureTime(now).setVerdict(judged).setImageScore(9f)
        .setThresholdOk(2f).setThresholdNg(4f).setRegionCount(1).setTopDefectType("scratch")
        .setTopDefectConfidence(0.8f)
        .setAnomalyMap(new AnomalyMap(4, 4, ByteBuffer.wrap(map), 0f, 1f))
        .setLatencies(StageLatencies.newBuilder().build()).setVerdictTime(now)
        .setFramePosition(new FramePosition(framesTopic, at.partition(), at.offset())).build();
    String verdictsTopic = topics.get(TopicCatalog.VERDICTS.name());
    send(producer, verdictsTopic,
        serdes.serdeFor(FrameVerdict.class).serializer().serialize(verdictsTopic, verdict));
    DefectEvent region = DefectEvent.newBuilder()
        .setFrame(new FrameRef(frameId, CAMERA, "line-1", "station-1", "item-" + frameId, 1L,
            now))
        .setBbox(new BoundingBox(5, 6, 12, 8)).setDefectType("scratch")
        .setDefectConfidence(0.8f).setDetectedTime(now).build();
    String defectsTopic = topics.get(TopicCatalog.DEFECTS.name());
    send(producer, defectsTopic,
        serdes.serdeFor(DefectEvent.class).serializer().serialize(defectsTopic, region));
    return verdict;
  }

  private static Future<RecordMetadata> send(
      KafkaProducer<byte[], byte[]> producer, String topic, byte[] value) {
    return producer.send(new ProducerRecord<>(topic, CAMERA.getBytes(StandardCharsets.UTF_8),
        value));
  }
}
