package io.clipline.testkit;

import io.clipline.schemas.topic.TopicSpec;
import java.util.List;
import java.util.Map;

/** A running Kafka cluster that an integration test may use. */
public interface KafkaCluster {
  /** Which kind of cluster this is, for test names and messages. */
  String kind();

  String bootstrapServers();

  /**
   * Creates the given catalog topics under fresh names unique to the caller, so tests sharing
   * one cluster never see each other's records.
   *
   * @return the catalog topic name → the name created for this test
   */
  Map<String, String> createIsolatedTopics(String prefix, List<TopicSpec> topics);
}
