package io.clipline.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EventHubTest {
  @Test
  void shouldCutOffAStreamWhenItFallsTooFarBehind() {
    EventHub hub = new EventHub(2);
    EventHub.Stream slow = hub.open().orElseThrow();
    for (int i = 0; i <= EventHub.QUEUE_EVENTS; i++) {
      hub.publish("card", "{}");
    }

    assertEquals(0, hub.openStreams(), "the slow stream is dropped, not buffered");
    assertThrows(IllegalStateException.class, () -> slow.next(0));
  }

  @Test
  void shouldRefuseAStreamWhenTheMostAreOpen() throws InterruptedException {
    EventHub hub = new EventHub(1);
    EventHub.Stream first = hub.open().orElseThrow();
    assertTrue(hub.open().isEmpty());
    hub.publish("stats", "{\"a\":1}");
    assertEquals("event: stats\ndata: {\"a\":1}\n\n", first.next(0).orElseThrow().wire());
    first.close();
    assertTrue(hub.open().isPresent(), "a closed stream frees its place");
  }
}
