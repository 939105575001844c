package io.clipline.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clipline.imaging.CropGeometry;
import io.clipline.imaging.DecodedFrame;
import io.clipline.model.InferenceOptions;
import io.clipline.schemas.BoundingBox;
import io.clipline.schemas.LabelAction;
import io.clipline.schemas.OperatorLabel;
import io.clipline.schemas.Verdict;
import io.clipline.schemas.serde.TrustedRecords;
import io.clipline.scoring.DefectTypeGuess;
import io.clipline.scoring.Judgement;
import io.clipline.scoring.ScoringConfig;
import io.clipline.scoring.ScoringEngine;
import io.clipline.worker.LabelOutcome;
import io.clipline.worker.ScorableFrame;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Operator labels reaching the engine through the scorer's cache of recent frames. */
class ModelFrameScorerLabelTest {
  static {
    // Labels are built here, not decoded by AvroSerde (which trusts Clipline's records itself);
    // building a record with an enum default asks Avro whether the class is trusted.
    TrustedRecords.install();
  }

  private static final Path TEXTURE = Path.of("..", "src", "models", "texture");
  private static final String CAMERA = "line-1/st-1/cam-1";
  private static final String SCOPE = "tile@" + CAMERA;
  private static final int WIDTH = 120;
  private static final int HEIGHT = 90;

  @BeforeEach
  void requireTheTextureModel() {
    Assumptions.assumeTrue(Files.isDirectory(TEXTURE),
        "src/models/texture is missing: make it with /usr/bin/python3 src/models/make_texture_model.py");
  }

  private static ModelFrameScorer open(int cacheFrames) {
    return ModelFrameScorer.open(
        TEXTURE, InferenceOptions.defaults(), ScoringConfig.defaults(), "object", cacheFrames);
  }

  private static DecodedFrame noise(long seed) {
    byte[] pixels = new byte[WIDTH * HEIGHT];
    new Random(seed).nextBytes(pixels);
    return new DecodedFrame(WIDTH, HEIGHT, 1, pixels);
  }

  /** Smooth horizontal stripes: a texture unlike noise. */
  private static DecodedFrame stripes() {
    byte[] pixels = new byte[WIDTH * HEIGHT];
    for (int y = 0; y < HEIGHT; y++) {
      for (int x = 0; x < WIDTH; x++) {
        pixels[y * WIDTH + x] = (byte) (128 + 100 * Math.sin(y / 3.0));
      }
    }
    return new DecodedFrame(WIDTH, HEIGHT, 1, pixels);
  }

  private static List<ScorableFrame> noiseFrames(int n) {
    List<ScorableFrame> frames = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      frames.add(new ScorableFrame("f-" + i, CAMERA, "tile", noise(i)));
    }
    return frames;
  }

  private static OperatorLabel.Builder label(String frameId, LabelAction action) {
    return OperatorLabel.newBuilder()
        .setLabelId(UUID.randomUUID().toString())
        .setFrameId(frameId)
        .setCameraId(CAMERA)
        .setProduct("tile")
        .setAction(action)
        .setLabelTime(Instant.now());
  }

  private static int imageRows(ModelFrameScorer scorer) {
    return IntStream.of(scorer.engine().stats(SCOPE).imageRows()).sum();
  }

  private static int prototypes(ModelFrameScorer scorer) {
    return IntStream.of(scorer.engine().stats(SCOPE).prototypes()).sum();
  }

  @Test
  void shouldForgetAFrameWhenAnOperatorConfirmsItIsNg() {
    try (ModelFrameScorer scorer = open(64)) {
      scorer.score(noiseFrames(5));
      int rowsBefore = imageRows(scorer);
      int prototypesBefore = prototypes(scorer);

      scorer.applyLabel(label("f-2", LabelAction.CONFIRM).setConfirmedVerdict(Verdict.NG).build());

      assertEquals(1, scorer.labels(LabelOutcome.APPLIED));
      assertTrue(imageRows(scorer) < rowsBefore,
          "the frame's rows are gone: " + rowsBefore + " -> " + imageRows(scorer));
      assertTrue(prototypes(scorer) <= prototypesBefore);
      // Nothing of f-2 is left to forget.
      assertEquals(false, scorer.engine().label(SCOPE, 3, Judgement.NG));
    }
  }

  @Test
  void shouldTypeALabelledRegionAsTheOperatorDidWhenItIsClassifiedLater() {
    try (ModelFrameScorer scorer = open(64)) {
      List<ScorableFrame> frames = new ArrayList<>(noiseFrames(3));
      frames.add(new ScorableFrame("striped", CAMERA, "tile", stripes()));
      scorer.score(frames);
      BoundingBox box = new BoundingBox(20, 15, 60, 40);

      scorer.applyLabel(label("f-1", LabelAction.ANNOTATE).setDefectType("speckle").setRegion(box)
          .build());
      scorer.applyLabel(label("striped", LabelAction.OVERRIDE).setConfirmedVerdict(Verdict.NG)
          .setDefectType("banding").setRegion(box).build());

      assertEquals(2, scorer.labels(LabelOutcome.APPLIED));
      assertEquals(2, scorer.engine().stats(SCOPE).fewShotExamples());
      assertEquals("speckle", typeOfRegion(scorer, noise(1), box).type());
      assertEquals("banding", typeOfRegion(scorer, stripes(), box).type());
    }
  }

  /** The region's feature built as the scorer builds it, classified by the scope. */
  private static DefectTypeGuess typeOfRegion(
      ModelFrameScorer scorer, DecodedFrame image, BoundingBox box) {
    EncodedFrame encoded = scorer.features().encodeFrames(List.of(image)).get(0);
    boolean[] mask = LabelApplier.maskOf(box, encoded.crop(),
        encoded.features().outputHeight(), encoded.features().outputWidth());
    DefectTypeGuess guess = scorer.engine().classifyRegion(
        SCOPE, ScoringEngine.regionFeature(encoded.features(), mask));
    assertNotNull(guess, "the scope has defect types once a region was labelled");
    return guess;
  }

  @Test
  void shouldCountAndSkipLabelsOfFramesItNoLongerHolds() {
    try (ModelFrameScorer scorer = open(2)) {
      scorer.score(noiseFrames(3));
      int rowsBefore = imageRows(scorer);

      scorer.applyLabel(label("f-0", LabelAction.CONFIRM).setConfirmedVerdict(Verdict.NG).build());
      scorer.applyLabel(label("never-seen", LabelAction.CONFIRM).setConfirmedVerdict(Verdict.NG)
          .build());

      assertEquals(2, scorer.labels(LabelOutcome.UNKNOWN_FRAME), "f-0 fell out of a cache of 2");
      assertEquals(0, scorer.labels(LabelOutcome.APPLIED));
      assertEquals(rowsBefore, imageRows(scorer));
    }
  }

  @Test
  void shouldLearnARejectedFrameWhenAnOperatorSaysItIsOk() {
    try (ModelFrameScorer scorer = open(64)) {
      // 60 frames: after the 20-frame warm-up the NG limit rests on 40 scores. From only 10, the
      // sample-size correction puts it so high (to hold 1 % on average) that stripes are UNSURE.
      scorer.score(noiseFrames(60));
      Verdict verdict = scorer.score(List.of(new ScorableFrame("striped", CAMERA, "tile", stripes())))
          .results().get(0).verdict();
      assertEquals(Verdict.NG, verdict, "stripes among noise are rejected, so never learned");
      int rowsBefore = imageRows(scorer);

      scorer.applyLabel(label("striped", LabelAction.OVERRIDE).setConfirmedVerdict(Verdict.OK)
          .build());

      assertEquals(1, scorer.labels(LabelOutcome.APPLIED));
      assertTrue(imageRows(scorer) > rowsBefore,
          "the reviewed reject is in the memory: " + rowsBefore + " -> " + imageRows(scorer));
      // A second OK label finds it learned already.
      scorer.applyLabel(label("striped", LabelAction.CONFIRM).setConfirmedVerdict(Verdict.OK)
          .build());
      assertEquals(1, scorer.labels(LabelOutcome.IGNORED));
    }
  }

  @Test
  void shouldIgnoreRetractionsConfirmationsOfOkAndRegionsOutsideTheInput() {
    try (ModelFrameScorer scorer = open(64)) {
      scorer.score(noiseFrames(2));
      int rowsBefore = imageRows(scorer);

      scorer.applyLabel(label("f-0", LabelAction.RETRACT).setSupersedesLabelId("earlier").build());
      scorer.applyLabel(label("f-0", LabelAction.CONFIRM).setConfirmedVerdict(Verdict.OK).build());
      scorer.applyLabel(label("f-1", LabelAction.ANNOTATE).setDefectType("speckle")
          .setRegion(new BoundingBox(500, 500, 10, 10)).build());

      assertEquals(3, scorer.labels(LabelOutcome.IGNORED));
      assertEquals(0, scorer.labels(LabelOutcome.APPLIED));
      assertEquals(rowsBefore, imageRows(scorer));
      assertEquals(0, scorer.engine().stats(SCOPE).fewShotExamples());
    }
  }

  @Test
  void shouldMaskTheModelInputPixelsWhoseCentresLieInTheBox() {
    // A 100 x 50 frame stretched onto a 10 x 10 map: a map pixel is 10 x 5 frame pixels.
    CropGeometry whole = new CropGeometry(100, 50, 0, 0, 100, 50);

    boolean[] mask = LabelApplier.maskOf(new BoundingBox(20, 10, 30, 10), whole, 10, 10);

    boolean[] expected = new boolean[100];
    for (int y = 2; y <= 3; y++) {
      for (int x = 2; x <= 4; x++) {
        expected[y * 10 + x] = true;
      }
    }
    assertArrayEquals(expected, mask);
    boolean[] tiny = LabelApplier.maskOf(new BoundingBox(55, 27, 1, 1), whole, 10, 10);
    assertEquals(1, IntStream.range(0, 100).filter(i -> tiny[i]).count(), "at least one pixel");
    assertTrue(tiny[5 * 10 + 5]);
    assertNull(LabelApplier.maskOf(new BoundingBox(0, 0, 0, 5), whole, 10, 10), "empty box");
  }
}
