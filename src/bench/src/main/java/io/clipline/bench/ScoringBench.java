package io.clipline.bench;

import io.clipline.scoring.FrameFeatures;
import io.clipline.scoring.ScoringConfig;
import io.clipline.scoring.ScoringEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Scoring time per frame of the rarity engine, with every memory full.
 *
 * <p>{@code bankSize}: prototypes per bank (1k / 4k / 16k), on a 16×16 patch grid with two
 * layers of 64 dimensions (four banks: two layers × two scales), after {@code framesBefore}
 * frames, enough to fill every bank. Stream length itself is {@link StreamLengthBench}'s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class ScoringBench {
  private static final int GRID = 16;
  private static final int DIM = 64;
  private static final int LAYERS = 2;
  private static final String SCOPE = "bench@line-1/station-1/cam-1";

  @Param({"1024", "4096", "16384"})
  int bankSize;

  @Param({"1000"})
  int framesBefore;

  private ScoringEngine engine;
  private List<FrameFeatures> frames;
  private int next;

  @Setup(Level.Trial)
  public void fill() {
    int patches = GRID * GRID;
    engine = new ScoringEngine(ScoringConfig.builder().memory(200, bankSize / patches).build());
    Random random = new Random(7);
    frames = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      frames.add(frame(random));
    }
    for (int i = 0; i < framesBefore; i++) {
      engine.score(SCOPE, frames.get(i % frames.size()));
    }
  }

  /** Texture-like features: a shared base pattern plus noise, so patches resemble each other. */
  private static FrameFeatures frame(Random random) {
    List<float[]> layers = new ArrayList<>();
    for (int l = 0; l < LAYERS; l++) {
      float[] values = new float[GRID * GRID * DIM];
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) (Math.sin(i % DIM) + 0.3 * random.nextGaussian());
      }
      layers.add(values);
    }
    return FrameFeatures.ofPatches(GRID, GRID, layers, 256, 256);
  }

  @Benchmark
  public Object scoreOneFrame() {
    return engine.score(SCOPE, frames.get(next++ % frames.size()));
  }
}
