package io.clipline.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clipline.schemas.topic.TopicCatalog;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KraftBrokerTest {
  @TempDir Path dataDir;

  @Test
  void shouldServeEveryCatalogTopicWhenStartedAndKeepThemWhenRestarted() throws Exception {
    BrokerSettings settings = settings();
    try (KraftBroker broker = KraftBroker.start(settings);
        Admin admin = Admin.create(Map.<String, Object>copyOf(broker.adminConfig()))) {
      CatalogTopics topics = new CatalogTopics(admin);

      assertEquals(TopicCatalog.all().size(), topics.create(TopicCatalog.all(), (short) 1).size());
      List<CatalogTopics.Listing> listing = topics.describe(TopicCatalog.all());

      assertEquals(TopicCatalog.all().size(), listing.size());
      CatalogTopics.Listing frames = listing.get(0);
      assertEquals(TopicCatalog.FRAMES.name(), frames.name());
      assertEquals(TopicCatalog.FRAMES.partitions(), frames.partitions());
      assertEquals(
          TopicCatalog.FRAMES.topicConfig().get("max.message.bytes"),
          frames.config().get("max.message.bytes"));
    }

    try (KraftBroker broker = KraftBroker.start(settings);
        Admin admin = Admin.create(Map.<String, Object>copyOf(broker.adminConfig()))) {
      // The data directory was formatted once and kept: nothing to create the second time.
      assertEquals(List.of(), new CatalogTopics(admin).create(TopicCatalog.all(), (short) 1));
    }
  }

  @Test
  void shouldNameThePortWhenItIsAlreadyInUse() throws IOException {
    try (ServerSocket taken = new ServerSocket(0)) {
      BrokerSettings settings = settings().withPorts(taken.getLocalPort(), LocalPorts.free());

      BrokerStartException e =
          assertThrows(BrokerStartException.class, () -> KraftBroker.start(settings));

      assertTrue(e.getMessage().contains("port " + taken.getLocalPort()), e.getMessage());
      assertTrue(e.getMessage().contains("already in use"), e.getMessage());
    }
  }

  @Test
  void shouldRejectSettingsWhenPortsCollide() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> settings().withPorts(9500, 9500));

    assertTrue(e.getMessage().contains("controllerPort"), e.getMessage());
  }

  private BrokerSettings settings() {
    return LocalKafka.onFreePorts(dataDir);
  }
}
