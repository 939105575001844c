package io.clipline.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Run once, stop early, close twice: the lifecycle needs no broker when nothing is sent. */
class CameraSimulatorLifecycleTest {
  /** Nothing listens here; the producer only connects once a frame is sent. */
  private static final SimulatorSettings SETTINGS =
      SimulatorSettings.builder("localhost:1").lines(2).camerasPerLine(2).build();

  @Test
  void shouldReturnEmptySummaryWhenStoppedBeforeFirstFrame() {
    try (CameraSimulator simulator = new CameraSimulator(SETTINGS)) {
      simulator.stop();

      SimulationSummary summary = simulator.run();

      assertEquals(0, summary.framesSent());
      assertEquals(List.of("line-1/station-1/cam-1", "line-1/station-1/cam-2",
          "line-2/station-1/cam-1", "line-2/station-1/cam-2"),
          List.copyOf(summary.framesPerCamera().keySet()));
      summary.framesPerCamera().values().forEach(count -> assertEquals(0L, count));
    }
  }

  @Test
  void shouldRefuseSecondRunWhenFirstHasFinished() {
    try (CameraSimulator simulator = new CameraSimulator(SETTINGS)) {
      simulator.stop();
      simulator.run();

      IllegalStateException e = assertThrows(IllegalStateException.class, simulator::run);
      assertTrue(e.getMessage().contains("FINISHED"), e.getMessage());
    }
  }

  @Test
  void shouldCloseSourceOnceWhenClosedTwice() {
    AtomicInteger closes = new AtomicInteger();
    FrameSource source = new FrameSource() {
      @Override
      public SourceFrame frameFor(int cameraIndex, long sequence) {
        throw new AssertionError("no frame is sent");
      }

      @Override
      public String description() {
        return "counting source";
      }

      @Override
      public void close() {
        closes.incrementAndGet();
      }
    };
    CameraSimulator simulator = new CameraSimulator(SETTINGS, source);

    simulator.close();
    simulator.close();

    assertEquals(1, closes.get());
    IllegalStateException e = assertThrows(IllegalStateException.class, simulator::run);
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
  }
}
