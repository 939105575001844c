package io.clipline.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * Guards the engine's scores bit for bit: a fixed, deterministic stream of synthetic frames goes
 * through every path of {@link ScoringEngine} (rarity only and with the text branch, fixed and
 * rate-based thresholds, k-shot seeding, NG labels, few-shot defect examples, region typing, a
 * snapshot and restore mid-stream) and every field of every {@link FrameScore} is hashed: its
 * sequence, grid, patch and anomaly maps, raw and normalised score, verdict, flags, text and
 * rarity parts and regions (box, area, peak, mean, feature, types and confidences).
 *
 * <p>A refactoring that changes nothing must leave {@link #EXPECTED} as it is. A deliberate change
 * of the scores changes it: then say why in the commit that updates it.
 */
class ScoringChecksumTest {
  /**
   * SHA-256 over the stream below. Recorded at commit cc4e26e (before the engine split) as
   * e569b5dc..., unchanged by the split; changed when rate-based thresholds became the good-part
   * fit (GoodScoreFit), which only the stream's rate-based scope uses (be1a84d8...); changed again
   * when the image score became the mean of the map's top 2 % (ScoringConfig.peakFraction), and
   * with it the level regions are cut at (lifted by the map's maximum less that mean) (753c137e...);
   * changed again when rarity became the mean presence over the top 10 % of stored images instead
   * of 30 % (ScoringConfig.topFraction, measured on the shared tune splits) (dab59276...);
   * changed again when every patch bank's rarity was mixed half and half with the positional
   * rarity (ScoringConfig.positionalWeight, measured on the shared tune splits; the snapshot now
   * holds the positional banks), and the stream labels a few admitted frames NG: the positional
   * term caught every labelled defect, so without them no label had anything to forget
   * (dad88166...); changed again when the rate-based NG limit was raised for the fit's sample
   * size (GoodScoreFit.rejectLimit, SampleSizeCorrection), which moves the rate-based scope's
   * limits and the regions cut at them (bcc76987...); changed again when the positional banks
   * began to quantise their frames to 8-bit codes with a scale per patch (a snapshot carries the
   * codes: a quarter of the bytes), which moves every positional similarity by about 1e-3 and
   * changes the snapshot's bytes (format version 4) (f338dce6...); changed again when the rarity
   * banks began to store each presence value on a grid of 1/255 steps (a snapshot carries one
   * byte per value), which moves a rarity by at most 0.002 (format version 5).
   */
  static final String EXPECTED =
      "caa6520e93b131c2d94ff08216acd6f9213d2ed269e60ebcd313947ec61b1137";

  private static final int ROWS = 6;
  private static final int COLS = 6;
  private static final int[] DIMS = {20, 16};
  private static final int TEXT_DIM = 16;
  private static final int OUT = 24;
  private static final int FRAMES = 300;

  @Test
  void scoresOfTheFixedStreamAreUnchanged() throws NoSuchAlgorithmException {
    assertEquals(EXPECTED, checksum(new int[COVERAGE]));
  }

  @Test
  void scoresAreTheSameWhenThePatchBanksRunOnSeveralThreads() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      assertEquals(EXPECTED, checksum(new int[COVERAGE], pool),
          "the banks' results are summed in bank order whichever thread assessed them");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theStreamReachesEveryPath() throws NoSuchAlgorithmException {
    int[] seen = new int[COVERAGE];
    checksum(seen);
    String[] names = {"OK", "NG", "UNSURE", "regions", "typed regions", "forgotten", "examples"};
    for (int i = 0; i < COVERAGE; i++) {
      assertTrue(seen[i] > 0, "no " + names[i] + " in the stream");
    }
  }

  /** Prints the checksum, e.g. to record a deliberate change. */
  public static void main(String[] args) throws NoSuchAlgorithmException {
    int[] seen = new int[COVERAGE];
    System.out.println(checksum(seen) + " " + java.util.Arrays.toString(seen));
  }

  private static final int COVERAGE = 7;

  /**
   * The checksum; counts into {@code seen} NG, OK, UNSURE verdicts, regions, typed regions,
   * labels that forgot something and defect examples.
   */
  static String checksum(int[] seen) throws NoSuchAlgorithmException {
    return checksum(seen, Runnable::run);
  }

  /** The checksum with the engine's patch banks assessed on {@code banks}. */
  static String checksum(int[] seen, Executor banks) throws NoSuchAlgorithmException {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    Random rnd = new Random(20240611L);
    ScoringConfig config = ScoringConfig.builder().warmupFrames(8).memory(40, 2).build();
    ScoringEngine engine = new ScoringEngine(config, SimilarityKernel.JAVA, banks);

    float[] normal = gaussian(rnd, TEXT_DIM, 1);
    float[] anomalous = gaussian(rnd, TEXT_DIM, 1);
    Map<String, float[]> zeroShot = Map.of("scratch", gaussian(rnd, DIMS[1], 1));
    ScopeProfile withText =
        new ScopeProfile(
            new TextBranch(normal, anomalous, 100.0, null),
            new DefectTypes(List.of("scratch", "dent"), zeroShot));
    engine.configureScope("text@cam", withText);
    engine.configureScope("typed@cam", new ScopeProfile(null, DefectTypes.of(List.of("hole"))));
    engine.setThresholds("rate@cam", Thresholds.forFalseRejectRate(0.05, 0.5));

    List<String> scopes = List.of("plain@cam", "text@cam", "typed@cam", "rate@cam");
    List<Line> lines = new ArrayList<>();
    for (int s = 0; s < scopes.size(); s++) {
      lines.add(new Line(rnd.nextLong()));
    }
    for (int i = 0; i < FRAMES; i++) {
      for (int s = 0; s < scopes.size(); s++) {
        String scope = scopes.get(s);
        Line line = lines.get(s);
        boolean defect = i > 30 && i % 7 == s;
        FrameFeatures f = line.frame(defect ? (i * 5 + s) % (ROWS * COLS) : -1, rnd);
        FrameScore score = i < 3 ? engine.seed(scope, f) : engine.score(scope, f);
        hash(digest, scope, score);
        seen[score.verdict().ordinal()]++;
        seen[3] += score.regions().size();
        seen[4] += (int) score.regions().stream().filter(r -> r.defectType() != null).count();
        // NG labels on some defects (most never entered the memory) and, as an operator's
        // correction of an OK verdict, on a few admitted frames, which the memory then forgets.
        if ((defect && i % 3 == 0) || (!defect && i > 30 && i % 41 == s)) {
          boolean forgot = engine.label(scope, score.sequence(), Judgement.NG);
          seen[5] += forgot ? 1 : 0;
          hash(digest, "label", forgot);
        }
        if (defect && !score.regions().isEmpty() && i % 2 == 0) {
          seen[6]++;
          String type = s == 2 ? "hole" : (i % 4 == 0 ? "scratch" : "dent");
          engine.addDefectExample(scope, type, score.regions().get(0).feature());
        }
        if (i == 150 && s == 0) {
          hash(digest, "classify", engine.classifyRegion("text@cam", lines.get(1).defectFeature()));
        }
      }
      if (i == 120) {
        for (String scope : scopes) {
          byte[] snapshot = engine.snapshot(scope);
          digest.update(snapshot);
          engine.restore(scope, snapshot);
        }
      }
      if (i == 200) {
        engine.setThresholds("plain@cam", Thresholds.fixed(1.5, 2.5));
      }
    }
    for (String scope : scopes) {
      ScopeStats stats = engine.stats(scope);
      hash(digest, "stats", stats.frames(), stats.prototypeCap(), stats.maxImageRows(),
          stats.scoreHistory(), stats.fewShotExamples());
      for (int[] counts :
          new int[][] {stats.prototypes(), stats.protectedPrototypes(), stats.imageRows()}) {
        for (int c : counts) {
          hash(digest, c);
        }
      }
      Thresholds t = engine.thresholds(scope);
      hash(digest, t.ok(), t.ng(), t.targetFalseRejectRate(), t.unsureBand());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static void hash(MessageDigest d, String scope, FrameScore s) {
    hash(d, scope, s.sequence(), s.rows(), s.cols(), s.outputHeight(), s.outputWidth());
    hash(d, s.patchMap());
    hash(d, s.anomalyMap());
    hash(d, s.rawScore(), s.normalizedScore(), s.verdict().name(), s.warmingUp(), s.admitted());
    if (s.text() == null) {
      hash(d, "no text");
    } else {
      hash(d, s.text().imageProbability());
      hash(d, s.text().patchMap());
    }
    hash(d, s.rarity().calibration(), s.rarity().memoryImages(), s.rarity().imageRarity());
    hash(d, s.rarity().patchMap());
    hash(d, s.regions().size());
    for (MapRegion r : s.regions()) {
      hash(d, r.top(), r.left(), r.bottom(), r.right(), r.area(), r.peak(), r.mean());
      hash(d, r.feature());
      hash(d, String.valueOf(r.defectType()), r.confidence(), String.valueOf(r.runnerUp()),
          r.runnerUpConfidence());
    }
  }

  private static void hash(MessageDigest d, Object... values) {
    ByteBuffer b = ByteBuffer.allocate(8);
    for (Object v : values) {
      b.clear();
      if (v == null) {
        d.update((byte) 0);
      } else if (v instanceof Double x) {
        d.update(b.putLong(Double.doubleToRawLongBits(x)).array());
      } else if (v instanceof Float x) {
        d.update(b.putInt(Float.floatToRawIntBits(x)).array(), 0, 4);
      } else if (v instanceof Long x) {
        d.update(b.putLong(x).array());
      } else if (v instanceof Integer x) {
        d.update(b.putInt(x).array(), 0, 4);
      } else if (v instanceof Boolean x) {
        d.update((byte) (x ? 1 : 2));
      } else if (v instanceof float[] x) {
        hash(d, x.length);
        for (float f : x) {
          hash(d, f);
        }
      } else if (v instanceof DefectTypeGuess g) {
        hash(d, g.type(), g.confidence(), String.valueOf(g.runnerUp()), g.runnerUpConfidence());
      } else {
        d.update(v.toString().getBytes(StandardCharsets.UTF_8));
        d.update((byte) 0);
      }
    }
  }

  private static float[] gaussian(Random rnd, int n, double scale) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (scale * rnd.nextGaussian());
    }
    return x;
  }

  /** One product on one camera: a fixed pattern per patch plus noise, and one defect pattern. */
  private static final class Line {
    private final float[][] base = new float[DIMS.length][];
    private final float[][] defect = new float[DIMS.length][];
    private final float[] embedding;

    Line(long seed) {
      Random rnd = new Random(seed);
      for (int l = 0; l < DIMS.length; l++) {
        base[l] = gaussian(rnd, ROWS * COLS * DIMS[l], 1);
        defect[l] = gaussian(rnd, DIMS[l], 3);
      }
      embedding = gaussian(rnd, TEXT_DIM, 1);
    }

    float[] defectFeature() {
      return defect[DIMS.length - 1].clone();
    }

    FrameFeatures frame(int at, Random rnd) {
      List<float[]> layers = new ArrayList<>();
      for (int l = 0; l < DIMS.length; l++) {
        float[] x = base[l].clone();
        for (int i = 0; i < x.length; i++) {
          x[i] += (float) (0.2 * rnd.nextGaussian());
        }
        if (at >= 0) {
          for (int d = 0; d < DIMS[l]; d++) {
            x[at * DIMS[l] + d] = defect[l][d] + (float) (0.2 * rnd.nextGaussian());
          }
        }
        layers.add(x);
      }
      float[] e = embedding.clone();
      for (int i = 0; i < e.length; i++) {
        e[i] += (float) (0.1 * rnd.nextGaussian());
      }
      return new FrameFeatures(ROWS, COLS, layers, e, OUT, OUT);
    }
  }
}
