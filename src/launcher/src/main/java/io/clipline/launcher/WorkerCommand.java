package io.clipline.launcher;

import io.clipline.model.ModelException;
import io.clipline.observability.ObservabilityException;
import io.clipline.worker.InferenceWorker;
import io.clipline.worker.WorkerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code clipline worker}: one inference worker replica, until Ctrl-C. */
@Command(
    name = "worker",
    mixinStandardHelpOptions = true,
    description = {
      "Runs an inference worker: consumes camera frames, scores them with the model folder's"
          + " image encoder and the rarity memory, writes verdicts, defect events and dead"
          + " letters. Settings: see the worker configuration table in the README."
    })
final class WorkerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin SettingsOptions settings;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    WorkerConfig config;
    try {
      config = new WorkerConfig(settings.settings());
    } catch (ConfigException | IOException e) {
      err.println("clipline worker: " + e.getMessage());
      return 2;
    }
    VerdictTally tally = new VerdictTally();
    WorkerProcess process;
    try {
      process = new WorkerProcess(config, tally);
    } catch (ModelException | ObservabilityException e) {
      err.println("clipline worker: " + e.getMessage());
      return 2;
    }
    PrintWriter out = spec.commandLine().getOut();
    try (process) {
      Runtime.getRuntime().addShutdownHook(
          new Thread(process.worker()::close, "clipline-worker-shutdown"));
      process.start();
      out.printf("worker %s on %s: model %s, provider %s, metrics at %s%n",
          config.getString(WorkerConfig.WORKER_ID), config.getList(WorkerConfig.BOOTSTRAP_SERVERS),
          process.scorer().modelVersion(), process.scorer().executionProvider(),
          process.metricsUri());
      out.flush();
      while (process.worker().state() == InferenceWorker.State.RUNNING) {
        Thread.sleep(5_000);
        out.println(tally.progressLine());
        out.flush();
      }
      process.worker().awaitTermination();
    }
    return 0;
  }
}
