package io.clipline.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.clipline.scoring.FrameFeatures;
import io.clipline.scoring.FrameScore;
import io.clipline.scoring.ScoringConfig;
import io.clipline.scoring.ScoringEngine;
import io.clipline.scoring.SimilarityKernel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OnnxSimilarityKernelTest {
  private static float[] gaussian(Random random, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }

  @Test
  void shouldMatchTheJavaKernelWhenProductsAreLarge() {
    Random random = new Random(5);
    try (OnnxSimilarityKernel kernel = OnnxSimilarityKernel.open(InferenceOptions.defaults(), 0)) {
      for (int[] shape : new int[][] {{37, 53, 96}, {1, 200, 768}, {64, 64, 3}}) {
        int n = shape[0];
        int m = shape[1];
        int dim = shape[2];
        // Longer arrays than needed: the kernel must read only the first rows.
        float[] a = gaussian(random, n * dim + 7);
        float[] b = gaussian(random, m * dim + 5);
        float[] want = new float[n * m];
        float[] got = new float[n * m + 3];
        SimilarityKernel.JAVA.multiplyTransposed(a, n, b, m, dim, want);
        kernel.multiplyTransposed(a, n, b, m, dim, got);
        for (int i = 0; i < n * m; i++) {
          assertEquals(want[i], got[i], 1e-4 * Math.sqrt(dim), "entry " + i + " of " + n + "x" + m);
        }
        assertEquals(0f, got[n * m], "nothing written past n x m");
      }
      assertEquals(ExecutionProvider.CPU, kernel.provider().selected());
    }
  }

  @Test
  void shouldStayInJavaWhenProductsAreSmall() {
    Random random = new Random(6);
    float[] a = gaussian(random, 4 * 8);
    float[] b = gaussian(random, 5 * 8);
    float[] want = new float[20];
    float[] got = new float[20];
    SimilarityKernel.JAVA.multiplyTransposed(a, 4, b, 5, 8, want);
    try (OnnxSimilarityKernel kernel = OnnxSimilarityKernel.open(InferenceOptions.defaults(), 1000)) {
      kernel.multiplyTransposed(a, 4, b, 5, 8, got);
    }
    assertArrayEquals(want, got, "4 x 5 x 8 = 160 < 1000: bit for bit the Java kernel");
  }

  @Test
  void shouldGiveEachThreadItsOwnBuffersWhenCalledConcurrently() throws Exception {
    Random random = new Random(8);
    int[][] shapes = {{37, 53, 96}, {196, 300, 96}, {5, 700, 32}, {64, 64, 3}};
    List<float[][]> cases = new ArrayList<>();
    try (OnnxSimilarityKernel kernel = OnnxSimilarityKernel.open(InferenceOptions.defaults(), 0)) {
      for (int[] s : shapes) {
        float[] a = gaussian(random, s[0] * s[2]);
        float[] b = gaussian(random, s[1] * s[2]);
        float[] alone = new float[s[0] * s[1]];
        kernel.multiplyTransposed(a, s[0], b, s[1], s[2], alone);
        cases.add(new float[][] {a, b, alone});
      }
      // Four threads at once, each cycling through products of different sizes, so that one
      // thread's buffers would be overwritten or regrown under another's call if they were shared.
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<?>> calls = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          int first = t;
          calls.add(pool.submit(() -> {
            for (int round = 0; round < 25; round++) {
              int c = (first + round) % shapes.length;
              int[] s = shapes[c];
              float[] got = new float[s[0] * s[1]];
              kernel.multiplyTransposed(cases.get(c)[0], s[0], cases.get(c)[1], s[1], s[2], got);
              assertArrayEquals(cases.get(c)[2], got, "shape " + c + ", round " + round);
            }
            return null;
          }));
        }
        for (Future<?> call : calls) {
          call.get(60, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void shouldRefuseANegativeThreshold() {
    assertThrows(IllegalArgumentException.class,
        () -> OnnxSimilarityKernel.open(InferenceOptions.defaults(), -1));
  }

  @Test
  void shouldScoreLikeTheJavaKernelWhenTheEngineUsesIt() {
    Random random = new Random(7);
    int grid = 6;
    int dim = 96;
    float[] base = gaussian(random, grid * grid * dim);
    List<FrameFeatures> frames = new ArrayList<>();
    for (int f = 0; f < 3; f++) {
      float[] x = base.clone();
      for (int i = 0; i < x.length; i++) {
        x[i] += 0.3f * (float) random.nextGaussian();
      }
      frames.add(FrameFeatures.ofPatches(grid, grid, List.of(x), 24, 24));
    }
    // Three frames fill the prototype cap (3 x patches) without evicting: a path where rounding
    // cannot change which prototypes are kept, so scores must agree to rounding.
    ScoringEngine java = new ScoringEngine(ScoringConfig.defaults());
    try (OnnxSimilarityKernel kernel = OnnxSimilarityKernel.open(InferenceOptions.defaults(), 0)) {
      ScoringEngine onnx = new ScoringEngine(ScoringConfig.defaults(), kernel);
      for (FrameFeatures f : frames) {
        FrameScore want = java.score("cam", f);
        FrameScore got = onnx.score("cam", f);
        assertArrayEquals(want.rarity().patchMap(), got.rarity().patchMap(), 1e-4f);
        assertEquals(want.rawScore(), got.rawScore(), 1e-4);
      }
    }
  }
}
