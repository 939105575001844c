package io.clipline.launcher;

import io.clipline.model.ModelException;
import io.clipline.observability.ObservabilityException;
import io.clipline.worker.InferenceWorker;
import io.clipline.worker.WorkerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
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

  @Option(names = "--config", description = "Properties file with worker settings.")
  Path configFile;

  @Option(names = "--set", description = "A setting key=value; repeatable, wins over --config.")
  Map<String, String> overrides = new HashMap<>();

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    WorkerConfig config;
    try {
      config = new WorkerConfig(settings(configFile, overrides));
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

  /** The properties file, if any, then the overrides on top. */
  static Map<String, Object> settings(Path file, Map<String, String> overrides) throws IOException {
    Map<String, Object> settings = new HashMap<>();
    if (file != null) {
      Properties properties = new Properties();
      try (InputStream in = Files.newInputStream(file)) {
        properties.load(in);
      }
      properties.forEach((k, v) -> settings.put(String.valueOf(k), v));
    }
    settings.putAll(overrides);
    return settings;
  }
}
