package io.clipline.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clipline.broker.BrokerSettings;
import io.clipline.broker.LocalKafka;
import io.clipline.schemas.FrameEncoding;
import io.clipline.schemas.topic.TopicCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulator, like a camera gateway, rides out a broker outage: frames wait in its bounded
 * buffer and are retried, and what it gives up on after the outage tolerance is counted, not
 * fatal. A real broker (in this JVM) is stopped under it.
 */
class CameraSimulatorOutageTest {
  private static final int FRAMES = 60;

  @TempDir Path dir;

  @Test
  void shouldDeliverEveryFrameOnceWhenTheBrokerComesBackWithinTheTolerance() throws Exception {
    BrokerSettings broker = LocalKafka.onFreePorts(Files.createDirectories(dir.resolve("kafka")));
    LocalKafka kafka = LocalKafka.start(broker, List.of(TopicCatalog.FRAMES));
    try (CameraSimulator simulator = new CameraSimulator(settings(broker, Duration.ofMinutes(2)))) {
      CompletableFuture<SimulationSummary> run = simulator.start();
      Thread.sleep(700);
      kafka.close(); // frames keep coming while it is down
      Thread.sleep(4_000);
      kafka = LocalKafka.start(broker, List.of());

      SimulationSummary summary = run.get(90, TimeUnit.SECONDS);

      assertEquals(FRAMES, summary.framesSent(), "every frame acknowledged");
      assertEquals(0, summary.framesDropped());
      assertEquals(FRAMES, FrameReader.readAll(kafka.bootstrapServers(),
          TopicCatalog.FRAMES.name(), FRAMES).size(), "every frame on the topic");
      assertEquals(FRAMES, records(kafka), "and none twice (idempotent retries)");
    } finally {
      kafka.close();
    }
  }

  @Test
  void shouldCountWhatItDroppedAfterTheToleranceAndFinish() throws Exception {
    BrokerSettings broker = LocalKafka.onFreePorts(Files.createDirectories(dir.resolve("kafka")));
    LocalKafka kafka = LocalKafka.start(broker, List.of(TopicCatalog.FRAMES));
    int frames = 20;
    try (CameraSimulator simulator = new CameraSimulator(SimulatorSettings.builder(
        broker.bootstrapServers()).camerasPerLine(3).framesPerSecond(20).frameCount(frames)
        .encoding(FrameEncoding.GRAY8).size(32, 32).outageTolerance(Duration.ofSeconds(1))
        .build())) {
      CompletableFuture<SimulationSummary> run = simulator.start();
      Thread.sleep(500);
      kafka.close(); // and it stays down
      long down = System.nanoTime();

      SimulationSummary summary = assertTimeoutPreemptively(Duration.ofSeconds(60),
          () -> run.get(60, TimeUnit.SECONDS));
      System.out.printf("dropped %d of %d in %d ms%n", summary.framesDropped(), frames,
          (System.nanoTime() - down) / 1_000_000);

      assertTrue(summary.framesDropped() > 0, "frames sent while the broker was down: " + summary);
      assertEquals(frames, summary.framesSent() + summary.framesDropped(),
          "every frame either acknowledged or counted as dropped: " + summary);
      assertEquals(Map.of("TimeoutException", summary.framesDropped()), summary.droppedByReason());
    }
  }

  private static long records(LocalKafka kafka) {
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(
        Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = c.partitionsFor(TopicCatalog.FRAMES.name()).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      return c.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private static SimulatorSettings settings(BrokerSettings broker, Duration tolerance) {
    return SimulatorSettings.builder(broker.bootstrapServers()).camerasPerLine(3)
        .framesPerSecond(20).frameCount(FRAMES).encoding(FrameEncoding.GRAY8).size(32, 32)
        .outageTolerance(tolerance).build();
  }
}
