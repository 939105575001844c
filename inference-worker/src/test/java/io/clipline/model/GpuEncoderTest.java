package io.clipline.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * CUDA against CPU on {@code src/models/tiny-clip-random}. Runs only when asked, with {@code
 * -Dclipline.gpu=true} and the GPU build of ONNX Runtime on the class path, on a machine with an
 * NVIDIA GPU.
 */
@EnabledIfSystemProperty(named = "clipline.gpu", matches = "true")
class GpuEncoderTest {

  @Test
  void shouldMatchCpuWhenImageIsEncodedOnCuda() {
    Path folder = null;
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("src/models/tiny-clip-random"))) {
        folder = dir.resolve("src/models/tiny-clip-random");
        break;
      }
    }
    assumeTrue(folder != null, "make it with /usr/bin/python3 src/models/make_tiny_clip.py");
    ModelManifest manifest = ModelManifest.load(folder);
    float[] pixels = new float[2 * manifest.image().sampleSize()];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (float) Math.sin(0.001 * i);
    }
    InferenceOptions cuda =
        new InferenceOptions(ExecutionProvider.CUDA, true, 0, 0, false, OptLevel.ALL_OPT);
    InferenceOptions cpuOnly =
        new InferenceOptions(ExecutionProvider.CPU, false, 0, 0, false, OptLevel.ALL_OPT);

    try (ImageEncoder gpu = ImageEncoder.open(manifest, cuda);
        ImageEncoder cpu = ImageEncoder.open(manifest, cpuOnly)) {
      assertEquals(ExecutionProvider.CUDA, gpu.provider().selected());
      float[][] expected = cpu.encode(pixels, 2).embeddings().orElseThrow();
      float[][] actual = gpu.encode(pixels, 2).embeddings().orElseThrow();
      for (int n = 0; n < 2; n++) {
        assertArrayEquals(expected[n], actual[n], 1e-3f);
      }
    }
  }
}
