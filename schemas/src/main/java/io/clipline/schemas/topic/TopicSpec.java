package io.clipline.schemas.topic;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;

/**
 * Everything Clipline fixes about one topic: its name, how it is partitioned and kept, and what
 * its keys and values hold.
 *
 * @param name topic name, with its version suffix
 * @param partitions default partition count when Clipline creates the topic
 * @param cleanupPolicy {@code delete} or {@code compact}
 * @param retention how long records are kept; {@code null} keeps them forever (compacted topics)
 * @param maxMessageBytes the largest record batch the topic accepts
 * @param keyDescription what the string key holds
 * @param valueType the Avro record class of the values
 * @param purpose one line for operators
 */
public record TopicSpec(
    String name,
    int partitions,
    String cleanupPolicy,
    Duration retention,
    int maxMessageBytes,
    String keyDescription,
    Class<? extends SpecificRecord> valueType,
    String purpose) {

  public static final String DELETE = "delete";
  public static final String COMPACT = "compact";

  public TopicSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(keyDescription, "keyDescription");
    Objects.requireNonNull(valueType, "valueType");
    Objects.requireNonNull(purpose, "purpose");
    if (!name.matches("[a-z0-9._-]+\\.v[0-9]+")) {
      throw new IllegalArgumentException(
          "topic name must be lower-case and end in a version suffix like .v1, got '" + name + "'");
    }
    if (partitions < 1) {
      throw new IllegalArgumentException(name + ": partitions must be >= 1, got " + partitions);
    }
    if (!DELETE.equals(cleanupPolicy) && !COMPACT.equals(cleanupPolicy)) {
      throw new IllegalArgumentException(
          name + ": cleanupPolicy must be delete or compact, got '" + cleanupPolicy + "'");
    }
    if (retention == null && DELETE.equals(cleanupPolicy)) {
      throw new IllegalArgumentException(name + ": a delete-policy topic needs a retention");
    }
    if (maxMessageBytes < 1024) {
      throw new IllegalArgumentException(
          name + ": maxMessageBytes must be >= 1024, got " + maxMessageBytes);
    }
  }

  /** Topic-level broker configuration for creating this topic. */
  public Map<String, String> topicConfig() {
    Map<String, String> config = new LinkedHashMap<>();
    config.put("cleanup.policy", cleanupPolicy);
    config.put("retention.ms", retention == null ? "-1" : Long.toString(retention.toMillis()));
    config.put("max.message.bytes", Integer.toString(maxMessageBytes));
    return config;
  }
}
