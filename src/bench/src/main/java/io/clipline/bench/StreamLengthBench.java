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
 * Scoring time per frame after 1 000 and after 20 000 frames of one stream: it must be flat,
 * since every memory of a scope is bounded. A small grid (8×8, two layers of 32 dimensions,
 * 1 024 prototypes per bank) keeps the 20 000-frame set-up short.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class StreamLengthBench {
  private static final int GRID = 8;
  private static final int DIM = 32;
  private static final String SCOPE = "bench@line-1/station-1/cam-1";

  @Param({"1000", "20000"})
  int framesBefore;

  private ScoringEngine engine;
  private List<FrameFeatures> frames;
  private int next;

  @Setup(Level.Trial)
  public void stream() {
    engine = new ScoringEngine(ScoringConfig.builder().memory(200, 1024 / (GRID * GRID)).build());
    Random random = new Random(11);
    frames = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      List<float[]> layers = new ArrayList<>();
      for (int l = 0; l < 2; l++) {
        float[] values = new float[GRID * GRID * DIM];
        for (int v = 0; v < values.length; v++) {
          values[v] = (float) (Math.cos(v % DIM) + 0.3 * random.nextGaussian());
        }
        layers.add(values);
      }
      frames.add(FrameFeatures.ofPatches(GRID, GRID, layers, 128, 128));
    }
    for (int i = 0; i < framesBefore; i++) {
      engine.score(SCOPE, frames.get(i % frames.size()));
    }
  }

  @Benchmark
  public Object scoreOneFrame() {
    return engine.score(SCOPE, frames.get(next++ % frames.size()));
  }
}
