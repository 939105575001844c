package io.clipline.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ReadinessTest {

  @Test
  void shouldBeReadyWhenNoCheckIsRegistered() {
    assertTrue(new Readiness().isReady());
  }

  @Test
  void shouldListFailingChecksInNameOrderWhenSomeFail() {
    Readiness readiness = new Readiness()
        .register("prompts", () -> false)
        .register("kafka", () -> false)
        .register("model", () -> true);

    assertEquals(List.of("kafka", "prompts"), readiness.failing());
    assertFalse(readiness.isReady());
  }

  @Test
  void shouldFollowTheCheckWhenItsStateChanges() {
    AtomicBoolean loaded = new AtomicBoolean();
    Readiness readiness = new Readiness().register("model", loaded::get);
    assertFalse(readiness.isReady());

    loaded.set(true);

    assertTrue(readiness.isReady());
  }

  @Test
  void shouldCountACheckAsFailingWhenItThrows() {
    Readiness readiness = new Readiness().register("kafka", () -> {
      throw new IllegalStateException("no broker");
    });

    assertEquals(List.of("kafka"), readiness.failing());
  }

  @Test
  void shouldRefuseTheNameWhenItIsRegisteredTwice() {
    Readiness readiness = new Readiness().register("kafka", () -> true);

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> readiness.register("kafka", () -> true));
    assertTrue(e.getMessage().contains("'kafka'"), e.getMessage());
  }

  @Test
  void shouldForgetTheCheckWhenUnregistered() {
    Readiness readiness = new Readiness().register("kafka", () -> false);

    readiness.unregister("kafka");

    assertTrue(readiness.isReady());
  }
}
