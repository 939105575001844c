package io.clipline.worker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.clipline.imaging.FrameDecoder;
import io.clipline.imaging.FrameLimits;
import io.clipline.schemas.CameraFrame;
import io.clipline.schemas.FrameEncoding;
import io.clipline.schemas.serde.AvroSerde;
import io.clipline.worker.ScorableFrame;
import io.clipline.worker.internal.FrameRejectedException.Stage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The scorer's per-frame preparation runs in intake, after decoding, and refuses with a reason. */
class FrameIntakeTest {
  private static final AvroSerde<CameraFrame> SERDE = AvroSerde.of(CameraFrame.class);

  private static FrameIntake intake(UnaryOperator<ScorableFrame> preparer) {
    return new FrameIntake(SERDE, "frames", new FrameDecoder(FrameLimits.DEFAULT), null, 1 << 20,
        preparer);
  }

  @Test
  void shouldHandTheDecodedFrameToThePreparerAndKeepWhatItReturns() {
    AtomicReference<ScorableFrame> seen = new AtomicReference<>();
    ScorableFrame[] returned = new ScorableFrame[1];
    FrameIntake intake = intake(f -> {
      seen.set(f);
      returned[0] = new ScorableFrame(f.frameId(), f.cameraId(), "prepared", f.pixels());
      return returned[0];
    });

    FrameIntake.Prepared prepared =
        intake.prepare(SERDE.encode(TestBatches.meta("p", FrameEncoding.GRAY8)));

    assertEquals(2, seen.get().width(), "the preparer sees the decoded 2 × 2 frame");
    assertSame(returned[0], prepared.frame());
  }

  @Test
  void shouldRefuseAFrameThePreparerThrowsOnAtStageDecode() {
    FrameIntake intake = intake(f -> {
      throw new IllegalStateException("resize failed");
    });

    FrameRejectedException e = assertThrows(FrameRejectedException.class,
        () -> intake.prepare(SERDE.encode(TestBatches.meta("p", FrameEncoding.GRAY8))));

    assertEquals(Stage.DECODE, e.stage());
    assertEquals("decode.prepare_failed", e.reasonCode());
    assertEquals("resize failed", e.getCause().getMessage());
  }
}
