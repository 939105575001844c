package io.clipline.scoring.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clipline.scoring.internal.Vectors;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RarityBankTest {
  private static final float TOL = 1e-5f;

  private static float[] v(float... x) {
    return x;
  }

  /** Admits one image and returns the rarity it was assessed with. */
  private static float[] step(RarityBank b, long seq, float[] f, int n) {
    RarityBank.Assessment a = b.assess(f, n);
    b.admit(a, seq, false);
    return a.rarity();
  }

  static Stream<Arguments> handComputedRarity() {
    return Stream.of(
        // first frame of a scope: empty memory gives rarity 0 everywhere
        Arguments.of(1.0, 1.0, 1, new float[] {0f, 0f}, new float[] {0f}),
        // percentile 1.0 divides by the max top-1 similarity (1.0): x seen (0), y 0.8 present
        Arguments.of(1.0, 1.0, 2, new float[] {0f, 0.2f}, new float[] {0f}),
        // percentile 0.5 interpolates to 0.9: y gets 0.8/0.9, x is clipped to 1
        Arguments.of(0.5, 1.0, 2, new float[] {0f, 1f - 0.8f / 0.9f}, new float[] {0f}),
        // third image, mean over both stored rows: presence 1 and 0.8
        Arguments.of(1.0, 1.0, 3, new float[] {0f, 0.2f}, new float[] {0.1f}),
        // top 30% of two rows keeps ceil(0.6) = 1 row: the best presence 1
        Arguments.of(1.0, 0.3, 3, new float[] {0f, 0.2f}, new float[] {0f}));
  }

  @ParameterizedTest
  @MethodSource("handComputedRarity")
  void shouldMatchHandComputedRarityWhenImagesArrive(
      double percentile, double top, int images, float[] second, float[] third) {
    RarityBank b = new RarityBank(2, 100, 200, 1, percentile, top);
    float[] r1 = step(b, 1, v(1, 0, 0, 1), 2);
    if (images == 1) {
      assertArrayEquals(second, r1, TOL);
      return;
    }
    float[] r2 = step(b, 2, v(1, 0, 0.6f, 0.8f), 2);
    assertArrayEquals(second, r2, TOL);
    if (images == 3) {
      assertArrayEquals(third, step(b, 3, v(0, 1), 1), TOL);
    }
  }

  @Test
  void shouldStorePresenceRowsAndColumnsWhenImageIsAdmitted() {
    RarityBank b = new RarityBank(2, 100, 200, 1, 1.0, 1.0);
    step(b, 1, v(1, 0, 0, 1), 2);
    step(b, 2, v(1, 0, 0.6f, 0.8f), 2);
    // row 0 (image 1): own prototypes 1, new prototypes get their presence P = 1 and 0.8
    assertEquals(1f, b.presence(0, 0), TOL);
    assertEquals(1f, b.presence(0, 1), TOL);
    assertEquals(1f, b.presence(0, 2), TOL);
    assertEquals(0.8f, b.presence(0, 3), TOL);
    // row 1 (image 2): old prototypes get their calibrated max similarity, own ones 1
    assertEquals(1f, b.presence(1, 0), TOL);
    assertEquals(0.8f, b.presence(1, 1), TOL);
    assertEquals(1f, b.presence(1, 3), TOL);
  }

  @Test
  void shouldGuardCalibrationWhenAllSimilaritiesAreNegative() {
    RarityBank b = new RarityBank(2, 100, 200, 1, 0.99, 1.0);
    step(b, 1, v(1, 0), 1);
    RarityBank.Assessment a = b.assess(v(-1, 0), 1);
    assertEquals(1.0, a.calibration(), 1e-12);
    assertArrayEquals(new float[] {1f}, a.rarity(), TOL);
  }

  static Stream<Arguments> evictionOrder() {
    float[] a = {1, 0};
    float[] bb = {0, 1};
    float[] c = {0.8f, 0.6f};
    float[] d = {0.6f, 0.8f};
    float[] e = {-1, 0};
    return Stream.of(
        // under the cap nothing is evicted
        Arguments.of(List.of(a, bb, c), new long[] {1, 2, 3}),
        // d is 0.96-similar to earlier c: the latest near-duplicate goes first
        Arguments.of(List.of(a, bb, c, d), new long[] {1, 2, 3}),
        // then e (max 0 to earlier) stays and c (0.8 to a) goes
        Arguments.of(List.of(a, bb, c, d, e), new long[] {1, 2, 5}),
        // exact duplicate of the first prototype is evicted, the first one is kept
        Arguments.of(List.of(a, bb, c, a), new long[] {1, 2, 3}));
  }

  @ParameterizedTest
  @MethodSource("evictionOrder")
  void shouldEvictMostRedundantLaterPrototypeWhenOverCap(List<float[]> images, long[] kept) {
    RarityBank b = new RarityBank(2, 3, 200, 1, 0.99, 0.3);
    long seq = 1;
    for (float[] f : images) {
      step(b, seq++, f.clone(), 1);
    }
    long[] sources = b.prototypeSources();
    Arrays.sort(sources);
    assertArrayEquals(kept, sources);
  }

  @Test
  void shouldRepairNearestEarlierWhenItsTargetIsEvicted() {
    // b's nearest earlier prototype is c; removing c must drop b's redundancy to b.a = 0,
    // so that the next eviction picks f (0.5 to a) and not b (stale 0.6 would evict b).
    RarityBank bank = new RarityBank(2, 3, 200, 1, 0.99, 0.3);
    step(bank, 1, v(1, 0), 1); // a
    step(bank, 2, v(0.8f, 0.6f), 1); // c: 0.8 to a
    step(bank, 3, v(0, 1), 1); // b: 0.6 to c
    step(bank, 4, v(0.96f, 0.28f), 1); // 0.96 to a: evicted at once
    step(bank, 5, v(0.28f, 0.96f), 1); // 0.96 to b: evicted at once
    long[] s = bank.prototypeSources();
    Arrays.sort(s);
    assertArrayEquals(new long[] {1, 2, 3}, s);
    bank.forget(2); // removes c; b now points at a with similarity 0
    step(bank, 6, v(0.5f, -0.8660254f), 1); // 0.5 to a
    step(bank, 7, v(-0.6f, -0.8f), 1); // g: 0.393 to f, -0.6 to a, -0.8 to b
    s = bank.prototypeSources();
    Arrays.sort(s);
    // b (0), f (0.5), g (0.393): f is the most redundant -> evicted; b survives
    assertArrayEquals(new long[] {1, 3, 7}, s);
  }

  @Test
  void shouldMatchBruteForceDissimilaritySamplingWhenStreamIsRandom() {
    Random rnd = new Random(7);
    int dim = 6;
    int n = 5;
    int cap = 12;
    RarityBank bank = new RarityBank(dim, cap, 10, 3, 0.99, 0.3);
    List<float[]> ref = new ArrayList<>();
    List<Long> refStamp = new ArrayList<>();
    long stamp = 0;
    for (int img = 1; img <= 40; img++) {
      float[] f = new float[n * dim];
      for (int i = 0; i < f.length; i++) {
        f[i] = (float) rnd.nextGaussian();
      }
      Vectors.normalizeRows(f, n, dim);
      step(bank, img, f, n);
      for (int i = 0; i < n; i++) {
        ref.add(Arrays.copyOfRange(f, i * dim, (i + 1) * dim));
        refStamp.add(stamp++);
      }
      while (ref.size() > cap) {
        int worst = -1;
        float worstSim = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < ref.size(); i++) {
          float m = Float.NEGATIVE_INFINITY;
          for (int j = 0; j < ref.size(); j++) {
            if (refStamp.get(j) < refStamp.get(i)) {
              m = Math.max(m, Vectors.dot(ref.get(i), 0, ref.get(j), 0, dim));
            }
          }
          if (worst < 0 || m > worstSim || (m == worstSim && refStamp.get(i) > refStamp.get(worst))) {
            worst = i;
            worstSim = m;
          }
        }
        ref.remove(worst);
        refStamp.remove(worst);
      }
      long[] got = bank.prototypeStamps();
      Arrays.sort(got);
      long[] want = refStamp.stream().mapToLong(Long::longValue).sorted().toArray();
      assertArrayEquals(want, got, "after image " + img);
    }
  }

  @Test
  void shouldNeverExceedCapsWhenStreamIsLong() {
    Random rnd = new Random(3);
    int dim = 8;
    int n = 16;
    RarityBank bank = new RarityBank(dim, 48, 20, 3, 0.99, 0.3);
    for (int img = 1; img <= 300; img++) {
      float[] f = new float[n * dim];
      for (int i = 0; i < f.length; i++) {
        f[i] = (float) rnd.nextGaussian();
      }
      Vectors.normalizeRows(f, n, dim);
      float[] r = step(bank, img, f, n);
      assertTrue(bank.prototypeCount() <= 48, "prototypes after image " + img);
      assertTrue(bank.rowCount() <= 20, "rows after image " + img);
      for (float x : r) {
        assertTrue(x >= 0f && x <= 1f, "rarity in [0,1]");
      }
    }
    assertEquals(48, bank.prototypeCount());
    assertEquals(20, bank.rowCount());
  }

  @Test
  void shouldKeepProtectedPrototypesWhenUnprotectedOnesCanGo() {
    RarityBank b = new RarityBank(2, 2, 200, 1, 0.99, 0.3);
    RarityBank.Assessment seed = b.assess(v(1, 0, 0.9f, 0.43588989f), 2);
    b.admit(seed, 1, true); // two protected, 0.9-similar prototypes
    step(b, 2, v(0, 1), 1); // 0.436 to the second seed, unprotected: evicted despite lower
    assertArrayEquals(new long[] {1, 1}, b.prototypeSources());
    assertEquals(2, b.protectedCount());
  }

  @Test
  void shouldForgetRowAndPrototypesWhenImageIsLabelledDefective() {
    RarityBank b = new RarityBank(2, 100, 200, 1, 0.99, 0.3);
    step(b, 1, v(1, 0), 1);
    step(b, 2, v(0, 1), 1);
    step(b, 3, v(0.6f, 0.8f), 1);
    assertTrue(b.forget(2));
    assertEquals(2, b.rowCount());
    assertArrayEquals(new long[] {1, 3}, b.prototypeSources());
    assertEquals(false, b.forget(42));
  }

  @Test
  void shouldRejectAdmitWhenBankChangedSinceAssessment() {
    RarityBank b = new RarityBank(2, 100, 200, 1, 0.99, 0.3);
    RarityBank.Assessment stale = b.assess(v(1, 0), 1);
    step(b, 1, v(0, 1), 1);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> b.admit(stale, 2, false));
    assertTrue(e.getMessage().contains("assess again"));
  }

  @Test
  void shouldRejectAdmitWhenANewerAssessmentExists() {
    RarityBank b = new RarityBank(2, 100, 200, 1, 0.99, 0.3);
    step(b, 1, v(0, 1), 1);
    RarityBank.Assessment older = b.assess(v(1, 0), 1);
    b.assess(v(0.6f, 0.8f), 1);
    assertThrows(IllegalStateException.class, () -> b.admit(older, 2, false));
  }

  @Test
  void shouldRejectFeaturesWhenLengthDoesNotMatchPatchesTimesDim() {
    RarityBank b = new RarityBank(4, 100, 200, 3, 0.99, 0.3);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> b.assess(new float[7], 2));
    assertTrue(e.getMessage().contains("expected 2 x 4"), e.getMessage());
  }

  /** A bank that has seen {@code frames} random images of {@code patches} patches. */
  private static RarityBank randomBank(int frames, int patches, int dim, long seed) {
    RarityBank b = new RarityBank(dim, 3 * patches, 20, 3, 0.99, 0.1);
    Random random = new Random(seed);
    for (int t = 1; t <= frames; t++) {
      float[] f = new float[patches * dim];
      for (int i = 0; i < f.length; i++) {
        f[i] = (float) random.nextGaussian();
      }
      Vectors.normalizeRows(f, patches, dim);
      step(b, t, f, patches);
    }
    return b;
  }

  private static float[] probe(int patches, int dim, long seed) {
    Random random = new Random(seed);
    float[] f = new float[patches * dim];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) random.nextGaussian();
    }
    Vectors.normalizeRows(f, patches, dim);
    return f;
  }

  private static RarityBank roundTrip(byte[] bytes) throws IOException {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      return RarityBankCodec.read(in);
    }
  }

  @Test
  void shouldHoldEveryPresenceValueOnItsGridAndScoreAlikeAfterASnapshotRoundTrip()
      throws IOException {
    RarityBank b = randomBank(40, 12, 8, 3);
    int onGrid = 0;
    for (int r = 0; r < b.rowCount; r++) {
      for (int slot = 0; slot < b.count; slot++) {
        float value = b.presence(r, slot);
        assertEquals(Math.round(value * 255f), value * 255f, 1e-3f, "presence on the 1/255 grid");
        onGrid++;
      }
    }
    assertTrue(onGrid > 0);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      RarityBankCodec.write(b, out);
    }
    RarityBank restored = roundTrip(bytes.toByteArray());
    assertArrayEquals(Arrays.copyOf(b.presence, b.count * b.maxRows),
        Arrays.copyOf(restored.presence, restored.count * restored.maxRows));
    float[] x = probe(12, 8, 9);
    assertArrayEquals(b.assess(x, 12).rarity(), restored.assess(x, 12).rarity());
    // One byte per presence value: the presence columns take count x maxRows bytes, not 4 x that.
    int perPrototypeFixed = 8 + 8 + 1 + 1 + RarityBank.NEAREST * (4 + 8);
    int upperBound = 64 + b.count * (b.dim * 4 + perPrototypeFixed + b.maxRows) + b.maxRows * 8;
    assertTrue(bytes.size() <= upperBound, bytes.size() + " bytes, at most " + upperBound);
  }

  @Test
  void shouldRoundTheFloatPresenceOfAFormat2BankOntoTheGrid() throws IOException {
    RarityBank b = randomBank(40, 12, 8, 4);
    // Format 2 wrote each presence value as a float; nudge them off the grid, as an engine
    // before the grid stored them.
    Random random = new Random(11);
    float[] written = Arrays.copyOf(b.presence, b.count * b.maxRows);
    for (int i = 0; i < written.length; i++) {
      written[i] = Math.min(1f, Math.max(0f, written[i] + (random.nextFloat() - 0.5f) / 300f));
    }
    RarityBank restored = roundTrip(format2(b, written));
    for (int i = 0; i < written.length; i++) {
      assertEquals(RarityBank.presenceLevel(written[i]), restored.presence[i], 0f);
    }
    float[] x = probe(12, 8, 12);
    float[] before = b.assess(x, 12).rarity();
    float[] after = restored.assess(x, 12).rarity();
    for (int n = 0; n < before.length; n++) {
      assertEquals(before[n], after[n], 2.5e-3f, "a rarity moves by at most about a grid step");
    }
  }

  @Test
  void shouldRefuseABankFormatItDoesNotKnow() {
    byte[] bytes = {0, 0, 0, 9};
    IOException e = assertThrows(IOException.class, () -> roundTrip(bytes));
    assertTrue(e.getMessage().contains("format 9"), e.getMessage());
  }

  /** The bank in format 2's layout (presence as floats, {@code presence} instead of the bank's). */
  private static byte[] format2(RarityBank b, float[] presence) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(2);
      out.writeInt(b.dim);
      out.writeInt(b.cap);
      out.writeInt(b.maxRows);
      out.writeInt(b.k);
      out.writeDouble(b.calibrationPercentile);
      out.writeDouble(b.topFraction);
      out.writeInt(b.count);
      out.writeInt(b.rowStart);
      out.writeInt(b.rowCount);
      out.writeLong(b.nextStamp);
      for (int i = 0; i < b.count * b.dim; i++) {
        out.writeFloat(b.protos[i]);
      }
      for (int i = 0; i < b.count; i++) {
        out.writeLong(b.stamp[i]);
        out.writeLong(b.source[i]);
        out.writeBoolean(b.protect[i]);
        out.writeByte(b.earlierEnd[i] - b.earlierHead[i]);
        for (int e = b.earlierHead[i]; e < b.earlierEnd[i]; e++) {
          out.writeFloat(b.earlierSim[i * RarityBank.NEAREST + e]);
          out.writeLong(b.earlierStamp[i * RarityBank.NEAREST + e]);
        }
        for (int r = 0; r < b.maxRows; r++) {
          out.writeFloat(presence[i * b.maxRows + r]);
        }
      }
      for (int r = 0; r < b.maxRows; r++) {
        out.writeLong(b.rowSource[r]);
      }
    }
    return bytes.toByteArray();
  }
}
