package io.clipline.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class EvalCommandTest {
  @Test
  void shouldParseTypeShotsWhenGiven() {
    EvalCommand command = new EvalCommand();
    new CommandLine(command).parseArgs("--dataset", "manifest.csv", "--type-shots", "5");
    assertEquals(5, command.typeShots);
  }

  @Test
  void shouldLeaveTypeAccuracyOffWhenTypeShotsAreNotGiven() {
    EvalCommand command = new EvalCommand();
    new CommandLine(command).parseArgs("--dataset", "manifest.csv");
    assertEquals(0, command.typeShots);
  }
}
