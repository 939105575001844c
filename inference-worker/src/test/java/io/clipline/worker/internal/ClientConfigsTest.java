package io.clipline.worker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.clipline.worker.WorkerConfig;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class ClientConfigsTest {
  private final ClientConfigs clients = new ClientConfigs(new WorkerConfig(Map.of(
      WorkerConfig.WORKER_ID, "w1",
      WorkerConfig.GROUP_ID, "line-1",
      "consumer.group.instance.id", "static-1",
      "consumer.fetch.max.wait.ms", "50",
      "producer.linger.ms", "7")));

  @Test
  void shouldGiveTheGroupLessConsumersTheFrameConsumersSettingsWithoutTheGroup() {
    Map<String, Object> labels = clients.labelConsumer();
    Map<String, Object> state = clients.stateConsumer();

    for (Map<String, Object> props : java.util.List.of(labels, state)) {
      assertFalse(props.containsKey(ConsumerConfig.GROUP_ID_CONFIG));
      assertFalse(props.containsKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG));
      assertEquals("50", props.get(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG));
      assertEquals("read_committed", props.get(ConsumerConfig.ISOLATION_LEVEL_CONFIG));
    }
    assertEquals("latest", labels.get(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG));
    assertEquals("clipline-worker-w1-labels", labels.get(ConsumerConfig.CLIENT_ID_CONFIG));
    assertEquals("earliest", state.get(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG));
    assertEquals(false, state.get(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG));
    assertEquals("line-1", clients.frameConsumer().get(ConsumerConfig.GROUP_ID_CONFIG));
  }

  @Test
  void shouldMakeTheProducerTransactionalPerWorkerWithExactlyOnceAndLetOverridesWin() {
    Map<String, Object> producer = clients.producer();

    assertEquals("clipline-worker-w1", producer.get(ProducerConfig.TRANSACTIONAL_ID_CONFIG));
    assertEquals("7", producer.get(ProducerConfig.LINGER_MS_CONFIG));
    assertFalse(new ClientConfigs(new WorkerConfig(Map.of(WorkerConfig.EXACTLY_ONCE, false)))
        .producer().containsKey(ProducerConfig.TRANSACTIONAL_ID_CONFIG));
  }

  @Test
  void shouldMakeTheFrameConsumerAStaticMemberNamedAfterTheWorkerIdUnlessOverridden() {
    ClientConfigs plain = new ClientConfigs(new WorkerConfig(Map.of(WorkerConfig.WORKER_ID, "w2")));

    assertEquals("clipline-worker-w2",
        plain.frameConsumer().get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG));
    assertEquals("static-1", clients.frameConsumer().get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG));
  }
}
