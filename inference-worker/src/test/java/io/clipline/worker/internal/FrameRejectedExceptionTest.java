package io.clipline.worker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.clipline.schemas.FrameEncoding;
import io.clipline.worker.internal.FrameRejectedException.Stage;
import org.junit.jupiter.api.Test;

/** Reason codes follow the README's {@code stage.detail} rule, with the stage they name. */
class FrameRejectedExceptionTest {
  @Test
  void shouldRefuseAReasonCodeThatNamesAnotherStage() {
    assertThrows(IllegalArgumentException.class,
        () -> new FrameRejectedException(Stage.VALIDATE, "decode.unknown_encoding", "m", null));
    assertThrows(IllegalArgumentException.class,
        () -> new FrameRejectedException(Stage.DECODE, "Decode.Upper", "m", null));
    assertEquals("schema.not_avro",
        new FrameRejectedException(Stage.DESERIALIZE, "schema.not_avro", "m", null).reasonCode());
  }

  @Test
  void shouldRefuseAnUnknownEncodingAtStageDecode() {
    FrameRejectedException e = assertThrows(FrameRejectedException.class,
        () -> new FrameIntake(io.clipline.schemas.serde.AvroSerde.of(io.clipline.schemas.CameraFrame.class),
            "frames", null, null, 1 << 20, f -> f).prepare(io.clipline.schemas.serde.AvroSerde
            .of(io.clipline.schemas.CameraFrame.class).encode(
                TestBatches.meta("u", FrameEncoding.UNKNOWN))));

    assertEquals(Stage.DECODE, e.stage());
    assertEquals("decode.unknown_encoding", e.reasonCode());
  }
}
