package io.clipline.scoring.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clipline.scoring.internal.Vectors;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PositionalBankTest {
  private static final int ROWS = 8;
  private static final int COLS = 8;
  private static final int DIM = 6;

  /**
   * A fixture's frame: the left half of the grid shows texture 0, the right half texture 1, each
   * with a little noise; {@code swap} paints texture 1 at one left-half cell.
   */
  private static float[] fixture(Random rnd, int shift, int swapCell) {
    float[] x = new float[ROWS * COLS * DIM];
    for (int r = 0; r < ROWS; r++) {
      for (int c = 0; c < COLS; c++) {
        int n = r * COLS + c;
        int texture = Math.floorMod(c - shift, COLS) < COLS / 2 ? 0 : 1;
        if (n == swapCell) {
          texture = 1;
        }
        x[n * DIM + texture] = 1f;
        for (int d = 0; d < DIM; d++) {
          x[n * DIM + d] += (float) (0.03 * rnd.nextGaussian());
        }
      }
    }
    Vectors.normalizeRows(x, ROWS * COLS, DIM);
    return x;
  }

  private static PositionalBank bank(int capacity, int radius) {
    return new PositionalBank(ROWS, COLS, DIM, capacity, radius, 0.99, 0.10);
  }

  private static void learn(PositionalBank b, Random rnd, int frames, int shift) {
    for (int i = 0; i < frames; i++) {
      b.assess(fixture(rnd, shift, -1)).admit(b.size() + 1000L * i);
    }
  }

  @Test
  void shouldScoreZeroWhileEmpty() {
    float[] x = fixture(new Random(1), 0, -1);
    assertArrayEquals(new float[ROWS * COLS], bank(5, 1).assess(x).rarity());
  }

  @Test
  void shouldFlagATextureThatIsNormalElsewhereButWrongAtItsPlace() {
    Random rnd = new Random(2);
    PositionalBank b = bank(20, 1);
    learn(b, rnd, 10, 0);
    int cell = 3 * COLS + 1; // left half, two cells from the boundary: its window is all texture 0
    float[] rarity = b.assess(fixture(rnd, 0, cell)).rarity();
    assertTrue(rarity[cell] > 0.8f, "swapped cell " + rarity[cell]);
    for (int n = 0; n < rarity.length; n++) {
      if (n != cell) {
        assertTrue(rarity[n] < 0.1f, "cell " + n + " rarity " + rarity[n]);
      }
    }
  }

  @Test
  void shouldAbsorbAShiftOfOneCellWithinItsRadius() {
    Random rnd = new Random(3);
    PositionalBank tolerant = bank(20, 1);
    PositionalBank strict = bank(20, 0);
    learn(tolerant, rnd, 8, 0);
    learn(strict, rnd, 8, 0);
    float[] shifted = fixture(rnd, 1, -1);
    int boundary = 2 * COLS + COLS / 2; // texture 1 unshifted, texture 0 after the shift
    assertTrue(tolerant.assess(shifted).rarity()[boundary] < 0.1f);
    assertTrue(strict.assess(shifted).rarity()[boundary] > 0.8f);
  }

  @Test
  void shouldDropTheOldestFramePastItsCapacityAndForgetALabelledOne() {
    Random rnd = new Random(4);
    PositionalBank b = bank(3, 1);
    for (long seq = 1; seq <= 5; seq++) {
      b.assess(fixture(rnd, 0, -1)).admit(seq);
    }
    assertEquals(3, b.size());
    assertArrayEquals(new long[] {3, 4, 5}, b.sequences());
    assertTrue(b.forget(4));
    assertFalse(b.forget(4));
    assertFalse(b.forget(1));
    assertArrayEquals(new long[] {3, 5}, b.sequences());
    b.assess(fixture(rnd, 0, -1)).admit(6);
    b.assess(fixture(rnd, 0, -1)).admit(7);
    assertArrayEquals(new long[] {5, 6, 7}, b.sequences());
  }

  @Test
  void shouldKeepTheFramesItWasGivenInOrder() {
    Random rnd = new Random(5);
    PositionalBank b = bank(2, 1);
    float[] first = fixture(rnd, 0, -1);
    float[] second = fixture(rnd, 0, 7);
    float[] third = fixture(rnd, 0, 9);
    b.assess(first).admit(1);
    b.assess(second).admit(2);
    b.assess(third).admit(3);
    float[] out = new float[first.length];
    b.copyFrame(0, out);
    assertWithinHalfAStep(second, out);
    b.copyFrame(1, out);
    assertWithinHalfAStep(third, out);
  }

  @Test
  void shouldHoldEachValueToWithinHalfItsPatchsQuantisationStep() {
    Random rnd = new Random(8);
    PositionalBank b = bank(1, 1);
    float[] x = new float[ROWS * COLS * DIM];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rnd.nextGaussian();
    }
    Arrays.fill(x, 3 * DIM, 4 * DIM, 0f); // patch 3 all zeros: scale 0, codes 0
    Vectors.normalizeRows(x, ROWS * COLS, DIM);
    b.assess(x).admit(1);
    float[] held = new float[x.length];
    b.copyFrame(0, held);
    assertWithinHalfAStep(x, held);
    for (int d = 3 * DIM; d < 4 * DIM; d++) {
      assertEquals(0f, held[d]);
    }
    // Quantisation, not truncation: a non-trivial share of values are off, none by a full step.
    int differing = 0;
    for (int i = 0; i < x.length; i++) {
      differing += x[i] != held[i] ? 1 : 0;
    }
    assertTrue(differing > x.length / 2, "values held exactly: " + (x.length - differing));
  }

  @Test
  void shouldAssessBitForBitAlikeAfterASnapshotRoundTrip() throws Exception {
    Random rnd = new Random(9);
    PositionalBank b = bank(5, 1);
    learn(b, rnd, 7, 0);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      ScopeStateCodec.writePositional(b, out);
    }
    // Header 3 ints + 2 doubles + count; per frame a sequence, a scale per patch, a byte a value.
    int expected = 4 * 4 + 2 * 8 + 5 * (8 + ROWS * COLS * 4 + ROWS * COLS * DIM);
    assertEquals(expected, bytes.size(), "snapshot bytes of the bank");
    PositionalBank restored;
    try (DataInputStream in = new DataInputStream(
        new ByteArrayInputStream(bytes.toByteArray()))) {
      restored = ScopeStateCodec.readPositional(ROWS, COLS, in, 4);
    }
    assertArrayEquals(b.sequences(), restored.sequences());
    for (int i = 0; i < 3; i++) {
      float[] probe = fixture(rnd, 0, 12 + i);
      assertArrayEquals(b.assess(probe).rarity(), restored.assess(probe).rarity());
    }
  }

  @Test
  void shouldQuantiseTheFloatFramesOfAVersion3Snapshot() throws Exception {
    Random rnd = new Random(10);
    float[] frame = fixture(rnd, 0, -1);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(DIM);
      out.writeInt(4); // capacity
      out.writeInt(1); // radius
      out.writeDouble(0.99);
      out.writeDouble(0.10);
      out.writeInt(1); // frames
      out.writeLong(42);
      for (float v : frame) {
        out.writeFloat(v);
      }
    }
    PositionalBank restored;
    try (DataInputStream in =
        new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      restored = ScopeStateCodec.readPositional(ROWS, COLS, in, 3);
    }
    assertArrayEquals(new long[] {42}, restored.sequences());
    PositionalBank admitted = bank(4, 1);
    admitted.assess(frame).admit(42);
    float[] a = new float[frame.length];
    float[] b = new float[frame.length];
    restored.copyFrame(0, a);
    admitted.copyFrame(0, b);
    assertArrayEquals(b, a, "read as if admitted now");
    assertWithinHalfAStep(frame, a);
  }

  /** Each held value is within half its patch's step (the patch's largest magnitude / 127). */
  private static void assertWithinHalfAStep(float[] given, float[] held) {
    for (int n = 0; n < ROWS * COLS; n++) {
      float max = 0f;
      for (int d = 0; d < DIM; d++) {
        max = Math.max(max, Math.abs(given[n * DIM + d]));
      }
      float halfStep = max / PositionalBank.LEVELS / 2;
      for (int d = 0; d < DIM; d++) {
        int i = n * DIM + d;
        assertTrue(Math.abs(given[i] - held[i]) <= halfStep * 1.0001f + 1e-9f,
            "value " + i + ": given " + given[i] + ", held " + held[i] + ", half step " + halfStep);
      }
    }
  }

  @Test
  void shouldRefuseAStaleAssessmentAndFeaturesOfTheWrongSize() {
    Random rnd = new Random(6);
    PositionalBank b = bank(4, 1);
    PositionalBank.Assessment stale = b.assess(fixture(rnd, 0, -1));
    b.assess(fixture(rnd, 0, -1)).admit(1);
    assertThrows(IllegalStateException.class, () -> stale.admit(2));
    assertThrows(IllegalArgumentException.class, () -> b.assess(new float[DIM]));
    assertThrows(IllegalArgumentException.class, () -> bank(0, 1));
    assertThrows(IllegalArgumentException.class, () -> bank(3, -1));
  }
}
