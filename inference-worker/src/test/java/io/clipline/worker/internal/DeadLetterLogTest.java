package io.clipline.worker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clipline.schemas.DeadLetter;
import io.clipline.schemas.DeadLetterStage;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DeadLetterLogTest {
  private final AtomicLong now = new AtomicLong();
  private final List<String> lines = new ArrayList<>();
  private final DeadLetterLog log = new DeadLetterLog(now::get, lines::add);

  private static DeadLetter letter(long offset) {
    return DeadLetter.newBuilder().setOriginalTopic("frames").setOriginalPartition(3)
        .setOriginalOffset(offset).setOriginalValue(ByteBuffer.wrap(new byte[1]))
        .setOriginalValueSize(1).setHeaders(List.of()).setStage(DeadLetterStage.DECODE)
        .setReason("half a JPEG").setReasonCode("decode.truncated").setExceptionClass("x")
        .setFrameId("f-" + offset).setCameraId("cam-0").setWorkerId("w").setTime(Instant.now())
        .build();
  }

  @Test
  void shouldLogOneLinePerDeadLetterNamingWhereItCameFromAndWhy() {
    log.onDeadLetter(letter(7));

    assertEquals(List.of("dead letter: frames-3@7 frame f-7 camera cam-0: DECODE decode.truncated:"
        + " half a JPEG"), lines);
  }

  @Test
  void shouldLeaveOutLinesBeyondTheRateAndSayHowManyInTheNextOne() {
    for (int i = 0; i < DeadLetterLog.PER_SECOND + 5; i++) {
      log.onDeadLetter(letter(i));
    }
    assertEquals(DeadLetterLog.PER_SECOND, lines.size());

    now.addAndGet(1_000_000_000L);
    log.onDeadLetter(letter(99));

    assertTrue(lines.get(lines.size() - 1).endsWith("(5 more dead letters not logged before it)"),
        lines.get(lines.size() - 1));
  }
}
