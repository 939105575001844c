package io.clipline.testkit;

import io.clipline.broker.LocalKafka;
import java.util.List;

/** The in-JVM single-node KRaft broker on free local ports and a throw-away data directory. */
final class EmbeddedKraftCluster extends AdminBackedCluster implements AutoCloseable {
  /** No topics up front: each test creates its own, isolated ones. */
  private final LocalKafka kafka = LocalKafka.temporary("clipline-kraft-", List.of());

  @Override
  public String kind() {
    return "embedded-kraft";
  }

  @Override
  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  @Override
  public void close() {
    // The admin client talks to the broker, so it goes first; the data directory goes with it.
    closeAdmin();
    kafka.close();
  }
}
