package io.clipline.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clipline.imaging.DecodedFrame;
import io.clipline.model.InferenceOptions;
import io.clipline.model.ModelManifest;
import io.clipline.scoring.ScoringConfig;
import io.clipline.worker.FrameResult;
import io.clipline.worker.ScorableFrame;
import io.clipline.worker.ScoredBatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The product scorer end to end on the committed models. On tiny-clip-random the scores mean
 * nothing (random weights); these tests check plumbing: shapes, scopes, coordinates, text path.
 */
class ModelFrameScorerTest {
  private static final Path TINY = Path.of("..", "src", "models", "tiny-clip-random");
  private static final Path TEXTURE = Path.of("..", "src", "models", "texture");

  private static List<ScorableFrame> frames(int n, String camera, long seed) {
    Random random = new Random(seed);
    List<ScorableFrame> frames = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] pixels = new byte[120 * 90];
      random.nextBytes(pixels);
      frames.add(new ScorableFrame("f-" + i, camera, "tile", new DecodedFrame(120, 90, 1, pixels)));
    }
    return frames;
  }

  @Test
  void shouldScoreEveryFrameOfABatchWithTheTextPathWhenTheModelHasATextTower() {
    try (ModelFrameScorer scorer = ModelFrameScorer.open(
        TINY, InferenceOptions.defaults(), ScoringConfig.defaults(), "object")) {
      ScoredBatch batch = scorer.score(frames(3, "line-1/st-1/cam-1", 1));

      assertEquals(3, batch.results().size());
      ModelManifest manifest = ModelManifest.load(TINY);
      for (FrameResult r : batch.results()) {
        assertNotNull(r.textScore(), "tiny-clip-random has a text tower");
        assertEquals("tile@line-1/st-1/cam-1", r.scope());
        assertEquals(manifest.image().gridRows() * manifest.image().gridCols(),
            r.map().values().length);
        for (FrameResult.Region region : r.regions()) {
          assertTrue(region.x() >= 0 && region.x() + region.width() <= 120 + 1, region.toString());
          assertTrue(region.y() >= 0 && region.y() + region.height() <= 90 + 1, region.toString());
        }
      }
      assertEquals("CPU", scorer.executionProvider());
      assertTrue(batch.inferenceNanos() > 0 && batch.scoringNanos() > 0);
    }
  }

  @Test
  void shouldKeepOneMemoryPerCameraWhenFramesComeFromTwoCameras() {
    try (ModelFrameScorer scorer = ModelFrameScorer.open(
        TINY, InferenceOptions.defaults(), ScoringConfig.defaults(), "object")) {
      List<ScorableFrame> mixed = new ArrayList<>(frames(2, "line-1/st-1/cam-1", 2));
      mixed.addAll(frames(2, "line-1/st-1/cam-2", 3));

      ScoredBatch batch = scorer.score(mixed);

      assertEquals(2, scorer.engine().scopes().size());
      // The first frame of each camera is the first its scope has scored.
      assertEquals(1, batch.results().get(0).scopeFramesSeen());
      assertEquals(2, batch.results().get(1).scopeFramesSeen());
      assertEquals(1, batch.results().get(2).scopeFramesSeen());
    }
  }

  @Test
  void shouldStopItsBankThreadsWhenClosed() {
    Assumptions.assumeTrue(Files.isDirectory(TEXTURE),
        "src/models/texture is missing: make it with /usr/bin/python3 src/models/make_texture_model.py");
    try (ModelFrameScorer scorer = ModelFrameScorer.open(
        TEXTURE, InferenceOptions.defaults(), ScoringConfig.defaults(), "object", 0, 3)) {
      scorer.score(frames(3, "line-1/st-1/cam-1", 5));
      scorer.score(frames(3, "line-1/st-1/cam-1", 6));
      assertTrue(bankThreadsAlive() > 0, "the banks ran on their pool");
    }
    // A pool thread that has left its last task may take a moment more to end.
    long deadline = System.nanoTime() + 2_000_000_000L;
    while (bankThreadsAlive() > 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertEquals(0, bankThreadsAlive(), "close stops the pool before it closes the kernel");
  }

  private static long bankThreadsAlive() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("clipline-banks-") && t.isAlive())
        .count();
  }

  @Test
  void shouldScoreRarityOnlyWhenTheModelHasNoTextTower() {
    Assumptions.assumeTrue(Files.isDirectory(TEXTURE),
        "src/models/texture is missing: make it with /usr/bin/python3 src/models/make_texture_model.py");
    try (ModelFrameScorer scorer = ModelFrameScorer.open(
        TEXTURE, InferenceOptions.defaults(), ScoringConfig.defaults(), "object")) {
      ScoredBatch batch = scorer.score(frames(2, "line-1/st-1/cam-1", 4));

      assertEquals(2, batch.results().size());
      assertNull(batch.results().get(0).textScore());
    }
  }

  @Test
  void shouldScoreFramesPreparedOnOtherThreadsExactlyAsFramesItPreparesItself() throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(TEXTURE),
        "src/models/texture is missing: make it with /usr/bin/python3 src/models/make_texture_model.py");
    List<ScorableFrame> raw = new ArrayList<>();
    Random random = new Random(9);
    for (int i = 0; i < 6; i++) {
      byte[] pixels = new byte[900 * 700 * 3];
      random.nextBytes(pixels);
      raw.add(new ScorableFrame("big-" + i, "line-1/st-1/cam-1", "tile",
          new DecodedFrame(900, 700, 3, pixels)));
    }
    ExecutorService decodeThreads = Executors.newFixedThreadPool(3);
    try (ModelFrameScorer inline = ModelFrameScorer.open(
            TEXTURE, InferenceOptions.defaults(), ScoringConfig.defaults(), "object");
        ModelFrameScorer ahead = ModelFrameScorer.open(
            TEXTURE, InferenceOptions.defaults(), ScoringConfig.defaults(), "object")) {
      List<Future<ScorableFrame>> futures = new ArrayList<>();
      for (ScorableFrame f : raw) {
        futures.add(decodeThreads.submit(() -> ahead.prepare(f)));
      }
      List<ScorableFrame> prepared = new ArrayList<>();
      for (Future<ScorableFrame> f : futures) {
        prepared.add(f.get());
      }
      assertTrue(prepared.stream().allMatch(f -> f.prepared().isPresent()));
      assertTrue(raw.stream().noneMatch(f -> f.prepared().isPresent()));
      // What waits for the model holds the 224 × 224 input, not the 900 × 700 decoded pixels.
      for (ScorableFrame f : prepared) {
        assertTrue(f.image().isEmpty(), f.frameId() + " still holds its decoded pixels");
        assertEquals(900, f.width());
        assertEquals(700, f.height());
        assertThrows(IllegalStateException.class, f::pixels);
      }

      for (int b = 0; b < 6; b += 3) {
        List<FrameResult> expected = inline.score(raw.subList(b, b + 3)).results();
        List<FrameResult> actual = ahead.score(prepared.subList(b, b + 3)).results();
        for (int i = 0; i < 3; i++) {
          assertEquals(expected.get(i).rawScore(), actual.get(i).rawScore(), 0.0,
              "frame " + (b + i));
          assertArrayEquals(expected.get(i).map().values(), actual.get(i).map().values());
        }
      }
    } finally {
      decodeThreads.shutdownNow();
    }
  }

  @Test
  void shouldRefuseAFramePreparedForAnotherModel() {
    Assumptions.assumeTrue(Files.isDirectory(TEXTURE),
        "src/models/texture is missing: make it with /usr/bin/python3 src/models/make_texture_model.py");
    try (ModelFrameScorer texture = ModelFrameScorer.open(
            TEXTURE, InferenceOptions.defaults(), ScoringConfig.defaults(), "object");
        ModelFrameScorer tiny = ModelFrameScorer.open(
            TINY, InferenceOptions.defaults(), ScoringConfig.defaults(), "object")) {
      ScorableFrame forTexture = texture.prepare(frames(1, "line-1/st-1/cam-1", 5).get(0));

      IllegalArgumentException e = assertThrows(
          IllegalArgumentException.class, () -> tiny.infer(List.of(forTexture)));
      assertTrue(e.getMessage().contains("another model's preprocessor"), e.getMessage());
    }
  }

  @Test
  void shouldLeaveTheScoringThreadACoreWhenModelThreadsAreLeftToTheWorker() {
    assertEquals(1, ModelFrameScorer.modelThreads(0, 1), "never fewer than one");
    assertEquals(1, ModelFrameScorer.modelThreads(0, 2));
    assertEquals(15, ModelFrameScorer.modelThreads(0, 16));
    assertEquals(4, ModelFrameScorer.modelThreads(4, 2), "a configured count is kept");
  }

  @Test
  void shouldAssessPatchBanksOnOneThreadPerCoreWhenLeftToTheWorker() {
    assertEquals(1, ModelFrameScorer.scoringThreads(0, 1));
    assertEquals(2, ModelFrameScorer.scoringThreads(0, 2));
    assertEquals(16, ModelFrameScorer.scoringThreads(0, 16));
    assertEquals(1, ModelFrameScorer.scoringThreads(1, 16), "1: the scoring thread alone");
    assertEquals(6, ModelFrameScorer.scoringThreads(6, 2), "a configured count is kept");
  }
}
