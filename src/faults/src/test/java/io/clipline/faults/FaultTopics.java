package io.clipline.faults;

import io.clipline.broker.CatalogTopics;
import io.clipline.schemas.topic.TopicCatalog;
import io.clipline.schemas.topic.TopicSpec;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The topics of one scenario run, created like the catalog's (same partitions and limits) under
 * a prefix of their own, so that runs on one broker do not see each other's records.
 */
record FaultTopics(String frames, String verdicts, String defects, String dlq, String labels,
    String scorerState) {

  static FaultTopics create(String bootstrapServers, String prefix) {
    List<TopicSpec> specs = List.of(TopicCatalog.FRAMES, TopicCatalog.VERDICTS,
        TopicCatalog.DEFECTS, TopicCatalog.FRAMES_DLQ, TopicCatalog.LABELS,
        TopicCatalog.SCORER_STATE).stream()
        .map(s -> new TopicSpec(prefix + s.name(), s.partitions(), s.cleanupPolicy(),
            s.retention(), s.maxMessageBytes(), s.keyDescription(), s.valueType(), s.purpose()))
        .toList();
    try (Admin admin = Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      new CatalogTopics(admin).create(specs, (short) 1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted creating topics", e);
    }
    return new FaultTopics(specs.get(0).name(), specs.get(1).name(), specs.get(2).name(),
        specs.get(3).name(), specs.get(4).name(), specs.get(5).name());
  }

  /** The worker settings that point it at these topics. */
  Map<String, String> workerSettings() {
    return Map.of("frames.topic", frames, "verdicts.topic", verdicts, "defects.topic", defects,
        "dlq.topic", dlq, "labels.topic", labels, "scorer.state.topic", scorerState);
  }
}
