package io.clipline.launcher;

import io.clipline.observability.ObservabilityException;
import io.clipline.pipeline.PipelineConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code clipline pipeline}: the Kafka Streams application, until Ctrl-C. */
@Command(
    name = "pipeline",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the pipeline: fuses frame verdicts into item verdicts, issues reject commands,"
          + " windowed line statistics and alerts (exactly-once). Settings and the line topology"
          + " file: see pipeline/README.md."
    })
final class PipelineCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin SettingsOptions settings;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    PipelineConfig config;
    PipelineProcess process;
    try {
      config = new PipelineConfig(settings.settings());
      process = new PipelineProcess(config);
    } catch (ConfigException | IOException | IllegalArgumentException | ObservabilityException e) {
      err.println("clipline pipeline: " + e.getMessage());
      return 2;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    String servers = String.join(",", config.getList(PipelineConfig.BOOTSTRAP_SERVERS));
    Map<String, Object> adminSettings =
        new HashMap<>(config.originalsWithPrefix(PipelineConfig.STREAMS_PREFIX));
    adminSettings.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, servers);
    // Kafka Streams retries an absent cluster by itself; the watch says so once, not per retry.
    try (process; BootstrapWatch watch =
        new BootstrapWatch(servers, adminSettings, Duration.ofSeconds(5))) {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        process.close();
        stopped.countDown();
      }, "clipline-pipeline-shutdown"));
      process.start();
      PrintWriter out = spec.commandLine().getOut();
      out.printf("pipeline running; metrics at %s/metrics%n", process.metricsUri());
      out.flush();
      stopped.await();
    }
    return 0;
  }
}
