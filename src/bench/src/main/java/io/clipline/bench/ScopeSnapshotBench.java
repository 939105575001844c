package io.clipline.bench;

import io.clipline.scoring.FrameFeatures;
import io.clipline.scoring.ScopeStats;
import io.clipline.scoring.ScoringConfig;
import io.clipline.scoring.ScoringEngine;
import java.util.ArrayList;
import java.util.Arrays;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a scope's memory costs when a camera moves to another worker: the size of its snapshot
 * and the time to take and to restore it, for a scope whose every memory is full (more frames
 * than the presence rows and the positional frames hold); and, for comparison, the time to score
 * one more frame of that scope. The geometry is the shipped default's
 * (a 14 × 14 grid, three test-time views of 96 dimensions, the engine's default settings); the
 * features are synthetic, which changes no size and no cost. The snapshot's size is printed
 * once by the set-up.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class ScopeSnapshotBench {
  private static final int GRID = 14;
  private static final int DIM = 96;
  private static final int VIEWS = 3;
  private static final int INPUT = 224;
  private static final String SCOPE = "bench@line-1/station-1/cam-1";

  private ScoringEngine engine;
  private ScoringEngine successor;
  private byte[] snapshot;
  private final List<FrameFeatures> stream = new ArrayList<>();
  private int next;

  @Setup(Level.Trial)
  public void fullScope() {
    ScoringConfig config = ScoringConfig.defaults();
    engine = new ScoringEngine(config);
    successor = new ScoringEngine(config);
    Random random = new Random(5);
    int frames = config.maxImageRows() + config.positionalFrames() + 50;
    for (int i = 0; i < frames; i++) {
      List<float[]> layers = new ArrayList<>();
      for (int l = 0; l < VIEWS; l++) {
        float[] values = new float[GRID * GRID * DIM];
        for (int v = 0; v < values.length; v++) {
          values[v] = (float) Math.max(0, Math.cos(v % DIM) + 0.5 * random.nextGaussian());
        }
        layers.add(values);
      }
      FrameFeatures frame = FrameFeatures.ofPatches(GRID, GRID, layers, INPUT, INPUT);
      engine.score(SCOPE, frame);
      if (stream.size() < 64) {
        stream.add(frame);
      }
    }
    snapshot = engine.snapshot(SCOPE);
    ScopeStats stats = engine.stats(SCOPE);
    System.out.printf("%n[scope-snapshot] %d frames scored; snapshot %.2f MiB; prototypes per"
        + " bank %s, presence rows %s%n", frames, snapshot.length / (1024.0 * 1024.0),
        Arrays.toString(stats.prototypes()), Arrays.toString(stats.imageRows()));
  }

  @Benchmark
  public byte[] takeSnapshot() {
    return engine.snapshot(SCOPE);
  }

  @Benchmark
  public Object scoreFrame() {
    return engine.score(SCOPE, stream.get(next++ % stream.size()));
  }

  @Benchmark
  public ScoringEngine restoreSnapshot() {
    successor.restore(SCOPE, snapshot);
    return successor;
  }
}
