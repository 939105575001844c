package io.clipline.launcher;

import io.clipline.console.ConsoleConfig;
import io.clipline.console.ConsoleException;
import io.clipline.console.OperatorConsole;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code clipline console}: the operator station's web page, until Ctrl-C. */
@Command(
    name = "console",
    mixinStandardHelpOptions = true,
    description = {
      "Serves the operator console: the live NG and UNSURE frames with heatmaps and regions,"
          + " line statistics and alerts, and one-click operator labels. Binds to 127.0.0.1:8470"
          + " by default. Settings: see src/console/README.md."
    })
final class ConsoleCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin SettingsOptions settings;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    OperatorConsole console;
    try {
      console = OperatorConsole.start(new ConsoleConfig(settings.settings()));
    } catch (ConfigException | IOException | ConsoleException e) {
      err.println("clipline console: " + e.getMessage());
      return 2;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    try (console) {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        console.close();
        stopped.countDown();
      }, "clipline-console-shutdown"));
      PrintWriter out = spec.commandLine().getOut();
      out.printf("console at %s%n", console.uri());
      out.flush();
      stopped.await();
    }
    return 0;
  }
}
