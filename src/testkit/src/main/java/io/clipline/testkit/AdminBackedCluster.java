package io.clipline.testkit;

import io.clipline.broker.CatalogTopics;
import io.clipline.schemas.topic.TopicSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** Topic creation shared by every kind of test cluster. */
abstract class AdminBackedCluster implements KafkaCluster {
  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  private Admin admin;

  @Override
  public synchronized Map<String, String> createIsolatedTopics(
      String prefix, List<TopicSpec> topics) {
    if (admin == null) {
      admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    }
    String unique = prefix + "-" + SEQUENCE.incrementAndGet() + "-";
    Map<String, String> names = new LinkedHashMap<>();
    List<TopicSpec> renamed = new ArrayList<>();
    for (TopicSpec spec : topics) {
      String name = unique + spec.name();
      names.put(spec.name(), name);
      renamed.add(
          new TopicSpec(
              name,
              spec.partitions(),
              spec.cleanupPolicy(),
              spec.retention(),
              spec.maxMessageBytes(),
              spec.keyDescription(),
              spec.valueType(),
              spec.purpose()));
    }
    try {
      new CatalogTopics(admin).create(renamed, (short) 1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    }
    return names;
  }

  protected synchronized void closeAdmin() {
    if (admin != null) {
      admin.close();
      admin = null;
    }
  }
}
