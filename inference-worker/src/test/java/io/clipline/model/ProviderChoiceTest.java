package io.clipline.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ProviderChoiceTest {
  private static final Set<OrtProvider> CPU_ONLY = EnumSet.of(OrtProvider.CPU);
  private static final Set<OrtProvider> CUDA =
      EnumSet.of(OrtProvider.CPU, OrtProvider.CUDA);
  private static final Set<OrtProvider> TENSOR_RT =
      EnumSet.of(OrtProvider.CPU, OrtProvider.CUDA, OrtProvider.TENSOR_RT);

  static Stream<Arguments> decisions() {
    return Stream.of(
        // requested, requireGpu, available, selected, fallback
        Arguments.of(ExecutionProvider.AUTO, false, CPU_ONLY, ExecutionProvider.CPU, false),
        Arguments.of(ExecutionProvider.AUTO, false, CUDA, ExecutionProvider.CUDA, false),
        // AUTO never picks TensorRT: its engine build is slow and must be asked for
        Arguments.of(ExecutionProvider.AUTO, false, TENSOR_RT, ExecutionProvider.CUDA, false),
        Arguments.of(ExecutionProvider.AUTO, true, CUDA, ExecutionProvider.CUDA, false),
        Arguments.of(ExecutionProvider.CPU, false, TENSOR_RT, ExecutionProvider.CPU, false),
        Arguments.of(ExecutionProvider.CUDA, false, CUDA, ExecutionProvider.CUDA, false),
        Arguments.of(ExecutionProvider.CUDA, false, CPU_ONLY, ExecutionProvider.CPU, true),
        Arguments.of(
            ExecutionProvider.TENSORRT, false, TENSOR_RT, ExecutionProvider.TENSORRT, false),
        Arguments.of(ExecutionProvider.TENSORRT, false, CUDA, ExecutionProvider.CUDA, true),
        // a fallback from TensorRT to CUDA is still on the GPU, so requireGpu accepts it
        Arguments.of(ExecutionProvider.TENSORRT, true, CUDA, ExecutionProvider.CUDA, true),
        Arguments.of(ExecutionProvider.TENSORRT, false, CPU_ONLY, ExecutionProvider.CPU, true));
  }

  @ParameterizedTest(name = "{0} requireGpu={1} on {2} -> {3}")
  @MethodSource("decisions")
  void shouldSelectProviderWhenRequestMeetsAvailability(
      ExecutionProvider requested,
      boolean requireGpu,
      Set<OrtProvider> available,
      ExecutionProvider selected,
      boolean fallback) {
    ProviderChoice choice = ProviderChoice.decide(requested, requireGpu, available);

    assertEquals(selected, choice.selected());
    assertEquals(requested, choice.requested());
    assertEquals(fallback, choice.isFallback());
  }

  static Stream<Arguments> impossible() {
    return Stream.of(
        Arguments.of(ExecutionProvider.AUTO), Arguments.of(ExecutionProvider.CUDA),
        Arguments.of(ExecutionProvider.TENSORRT));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("impossible")
  void shouldFailWhenGpuIsRequiredButOnlyCpuIsAvailable(ExecutionProvider requested) {
    ModelException e =
        assertThrows(ModelException.class, () -> ProviderChoice.decide(requested, true, CPU_ONLY));

    assertTrue(e.getMessage().contains("requireGpu"), e.getMessage());
    assertTrue(e.getMessage().contains("onnxruntime_gpu"), e.getMessage());
  }

  @Test
  void shouldSayWhyWhenCudaIsRequestedButUnavailable() {
    ProviderChoice choice = ProviderChoice.decide(ExecutionProvider.CUDA, false, CPU_ONLY);

    assertEquals(
        "CUDA requested but not available (this ONNX Runtime offers [CPU]); using CPU",
        choice.reason());
  }

  @Test
  void shouldRunOnCpuWithReasonWhenAutoOnThisMachine() {
    Set<OrtProvider> available = OrtEnvironment.getAvailableProviders();
    assumeFalse(available.contains(OrtProvider.CUDA), "this machine's ONNX Runtime has CUDA");

    ProviderChoice choice = ProviderChoice.decide(ExecutionProvider.AUTO, false, available);

    assertEquals(ExecutionProvider.CPU, choice.selected());
    assertTrue(choice.reason().startsWith("AUTO: CUDA not available"), choice.reason());
  }

  @Test
  void shouldLogOneWarningAndOneInfoWhenCudaFallsBackToCpu() {
    InferenceOptions options = InferenceOptions.defaults().withProvider(ExecutionProvider.CUDA);

    try (LogCapture log = new LogCapture(NativeSession.class)) {
      NativeSession.choose("image tower of test", options, CPU_ONLY);

      assertEquals(
          List.of(
              "image tower of test: CUDA requested but not available (this ONNX Runtime offers"
                  + " [CPU]); using CPU"),
          log.messages(Level.WARN));
      assertEquals(1, log.messages(Level.INFO).size());
      assertTrue(log.messages(Level.INFO).get(0).startsWith("image tower of test runs on CPU"));
    }
  }

  @Test
  void shouldLogOnlyInfoWhenAutoRunsOnCpu() {
    try (LogCapture log = new LogCapture(NativeSession.class)) {
      NativeSession.choose("text tower of test", InferenceOptions.defaults(), CPU_ONLY);

      assertEquals(List.of(), log.messages(Level.WARN));
      assertEquals(1, log.messages(Level.INFO).size());
    }
  }
}
