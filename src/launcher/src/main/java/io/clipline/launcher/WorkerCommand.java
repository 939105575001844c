package io.clipline.launcher;

import io.clipline.model.ModelException;
import io.clipline.observability.ObservabilityException;
import io.clipline.worker.InferenceWorker;
import io.clipline.worker.WorkerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.CommonClientConfigs;
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
  private static final Duration BOOTSTRAP_CHECK_INTERVAL = Duration.ofSeconds(5);

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
    String servers = String.join(",", config.getList(WorkerConfig.BOOTSTRAP_SERVERS));
    Map<String, Object> adminSettings = new HashMap<>(config.originalsWithPrefix("consumer."));
    adminSettings.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, servers);
    try (process; BootstrapWatch watch =
        new BootstrapWatch(servers, adminSettings, BOOTSTRAP_CHECK_INTERVAL)) {
      InferenceWorker worker = process.worker();
      // Not a shutdown hook: ONNX Runtime's own would free the model under a running batch.
      StopSignals.onStop(worker::close);
      // The worker's producer would wait max.block.ms for an absent cluster and then fail:
      // it starts once the cluster answers, and until then the watch says why it waits.
      while (worker.state() == InferenceWorker.State.CREATED
          && !watch.awaitReachable(Duration.ofSeconds(1))) {
        // until the cluster answers or Ctrl-C closes the worker
      }
      if (worker.state() != InferenceWorker.State.CREATED) {
        return 0;
      }
      process.start();
      out.printf("worker %s on %s: model %s, provider %s, metrics at %s%n",
          config.getString(WorkerConfig.WORKER_ID), config.getList(WorkerConfig.BOOTSTRAP_SERVERS),
          process.scorer().modelVersion(), process.scorer().executionProvider(),
          process.metricsUri());
      out.flush();
      while (worker.state() == InferenceWorker.State.RUNNING) {
        Thread.sleep(5_000);
        if (worker.state() == InferenceWorker.State.RUNNING) { // the log ends at STOPPED
          out.println(tally.progressLine());
          out.flush();
        }
      }
      process.worker().awaitTermination();
    }
    return 0;
  }
}
