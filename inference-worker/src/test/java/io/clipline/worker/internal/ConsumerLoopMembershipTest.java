package io.clipline.worker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clipline.worker.internal.ConsumerLoop.Membership;
import org.junit.jupiter.api.Test;

/** Readiness is decided on the membership: partitions held, or a deliberate idle standby. */
class ConsumerLoopMembershipTest {
  @Test
  void shouldBeJoiningUntilTheGroupGaveAGenerationThenActiveOrStandby() {
    assertEquals(Membership.JOINING, Membership.of(0, -1), "before the first join, or after a loss");
    assertEquals(Membership.STANDBY, Membership.of(0, 3), "a member without partitions");
    assertEquals(Membership.ACTIVE, Membership.of(2, 3));
  }
}
