package io.clipline.testkit;

import io.clipline.schemas.topic.TopicCatalog;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/** Apache Kafka in a container, through Testcontainers; only where a Docker engine answers. */
final class ContainerKafkaCluster extends AdminBackedCluster implements AutoCloseable {
  /** The broker image matches the Kafka client version the build pins. */
  static final String IMAGE = "apache/kafka:4.3.1";

  private final KafkaContainer container;

  ContainerKafkaCluster() {
    container =
        new KafkaContainer(IMAGE)
            .withEnv(
                "KAFKA_MESSAGE_MAX_BYTES",
                Integer.toString(TopicCatalog.MAX_FRAME_BYTES + 1024 * 1024));
    container.start();
  }

  static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  @Override
  public String kind() {
    return "testcontainers";
  }

  @Override
  public String bootstrapServers() {
    return container.getBootstrapServers();
  }

  @Override
  public void close() {
    closeAdmin();
    container.stop();
  }
}
