package io.clipline.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clipline.dataset.DatasetSample;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class StreamPlanTest {
  /** 95 good images (ids 0..94) and 40 defective ones (95..134). */
  private static final List<DatasetSample> SAMPLES = samples(95, 40);
  private static final List<Integer> ALL = IntStream.range(0, SAMPLES.size()).boxed().toList();

  @Test
  void shareZeroStreamsEveryImageInAShuffledOrder() {
    StreamPlan plan = StreamPlan.of(SAMPLES, ALL, 7, 0, 0);
    assertEquals(new HashSet<>(ALL), new HashSet<>(plan.stream()));
    assertNotEquals(ALL, plan.stream());
    assertEquals(List.of(), plan.seeds());
  }

  @Test
  void lineLikeStreamKeepsEveryGoodImageAndAboutTheShareOfDefectiveOnes() {
    StreamPlan plan = StreamPlan.of(SAMPLES, ALL, 7, 0, 0.05);
    long defective = plan.stream().stream().filter(i -> SAMPLES.get(i).defective()).count();
    long good = plan.stream().size() - defective;
    assertEquals(95, good);
    assertEquals(5, defective); // round(0.05 * 95 / 0.95)
  }

  @Test
  void lineLikeStreamSpreadsTheDefectiveImagesOverTheWholeStream() {
    // 95 good and 40 defective: in the full order the 5 drawn defective images would be among
    // the first 20 or so frames, the scope's warm-up. On a line they come at any time.
    int early = 0;
    int late = 0;
    int drawn = 0;
    for (long seed = 1; seed <= 40; seed++) {
      List<Integer> stream = StreamPlan.of(SAMPLES, ALL, seed, 0, 0.05).stream();
      for (int at = 0; at < stream.size(); at++) {
        if (SAMPLES.get(stream.get(at)).defective()) {
          drawn++;
          early += at < stream.size() / 5 ? 1 : 0;
          late += at >= stream.size() / 2 ? 1 : 0;
        }
      }
    }
    assertEquals(200, drawn);
    assertTrue(early < 0.35 * drawn, early + " of " + drawn + " in the first fifth (expected ~20 %)");
    assertTrue(late > 0.35 * drawn, late + " of " + drawn + " in the second half (expected ~50 %)");
  }

  @Test
  void eachShuffleDrawsOtherDefectiveImages() {
    List<Integer> a = defectiveOf(StreamPlan.of(SAMPLES, ALL, 1, 0, 0.05));
    List<Integer> b = defectiveOf(StreamPlan.of(SAMPLES, ALL, 2, 0, 0.05));
    assertNotEquals(new HashSet<>(a), new HashSet<>(b));
  }

  @Test
  void seedsAreGoodImagesLeftOutOfTheStream() {
    StreamPlan plan = StreamPlan.of(SAMPLES, ALL, 3, 10, 0.05);
    assertEquals(10, plan.seeds().size());
    assertTrue(plan.seeds().stream().noneMatch(i -> SAMPLES.get(i).defective()));
    assertTrue(plan.stream().stream().noneMatch(plan.seeds()::contains));
    assertEquals(85, plan.stream().stream().filter(i -> !SAMPLES.get(i).defective()).count());
  }

  @Test
  void aScopeWithFewGoodImagesStillGetsOneDefectiveImage() {
    List<DatasetSample> few = samples(3, 4);
    StreamPlan plan = StreamPlan.of(few, IntStream.range(0, 7).boxed().toList(), 1, 0, 0.05);
    assertEquals(1, defectiveOf(few, plan).size());
  }

  private static List<Integer> defectiveOf(StreamPlan plan) {
    return defectiveOf(SAMPLES, plan);
  }

  private static List<Integer> defectiveOf(List<DatasetSample> samples, StreamPlan plan) {
    return plan.stream().stream().filter(i -> samples.get(i).defective()).toList();
  }

  private static List<DatasetSample> samples(int good, int defective) {
    List<DatasetSample> out = new ArrayList<>();
    for (int i = 0; i < good + defective; i++) {
      boolean bad = i >= good;
      out.add(sample("img" + i, bad));
    }
    return out;
  }

  private static DatasetSample sample(String id, boolean defective) {
    return new DatasetSample(id, Path.of(id + ".png"),
        defective ? DatasetSample.Label.DEFECTIVE : DatasetSample.Label.NORMAL,
        defective ? "crack" : DatasetSample.GOOD, null, null, Map.of());
  }
}
