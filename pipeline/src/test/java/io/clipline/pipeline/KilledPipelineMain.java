package io.clipline.pipeline;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Runs the pipeline in its own JVM and halts that JVM, like {@code kill -9}, as soon as a
 * read_uncommitted reader sees a given number of reject commands, that is inside an open
 * transaction. For the crash test only. Arguments: the count, then key=value pipeline settings.
 */
final class KilledPipelineMain {
  static final int HALT_STATUS = 137;
  static final int GAVE_UP_STATUS = 3;

  private KilledPipelineMain() {}

  public static void main(String[] args) throws Exception {
    int haltAfterRejects = Integer.parseInt(args[0]);
    Map<String, Object> props = new HashMap<>();
    for (int i = 1; i < args.length; i++) {
      String[] kv = args[i].split("=", 2);
      props.put(kv[0], kv[1]);
    }
    PipelineConfig config = new PipelineConfig(props);
    PipelineApp app = new PipelineApp(config, PipelineIntegrationTest.LINE,
        new SimpleMeterRegistry());
    app.start();
    Map<String, Object> reader = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, props.get(PipelineConfig.BOOTSTRAP_SERVERS),
        ConsumerConfig.GROUP_ID_CONFIG, "doom-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(reader, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(config.getString(PipelineConfig.REJECTS_TOPIC)));
      int seen = 0;
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (System.nanoTime() < deadline) {
        seen += consumer.poll(Duration.ofMillis(20)).count();
        if (seen >= haltAfterRejects) {
          Runtime.getRuntime().halt(HALT_STATUS);
        }
      }
    }
    Runtime.getRuntime().halt(GAVE_UP_STATUS);
  }
}
