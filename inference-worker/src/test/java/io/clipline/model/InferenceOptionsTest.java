package io.clipline.model;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import org.junit.jupiter.api.Test;

class InferenceOptionsTest {

  @Test
  void shouldNameBothKeysWhenCpuIsRequestedWithRequireGpu() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new InferenceOptions(ExecutionProvider.CPU, true, 0, 0, false, OptLevel.ALL_OPT));

    assertTrue(e.getMessage().contains("provider=CPU"), e.getMessage());
    assertTrue(e.getMessage().contains("requireGpu=true"), e.getMessage());
  }

  @Test
  void shouldNameKeyWhenThreadCountIsNegative() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new InferenceOptions(
                    ExecutionProvider.AUTO, false, -1, 0, false, OptLevel.ALL_OPT));

    assertTrue(e.getMessage().startsWith("intraOpThreads:"), e.getMessage());
  }
}
