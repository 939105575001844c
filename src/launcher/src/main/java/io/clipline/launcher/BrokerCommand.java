package io.clipline.launcher;

import io.clipline.broker.BrokerSettings;
import io.clipline.broker.BrokerStartException;
import io.clipline.broker.CatalogTopics;
import io.clipline.broker.LocalKafka;
import io.clipline.schemas.topic.TopicCatalog;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code clipline broker}: a local single-node Kafka broker with every Clipline topic. */
@Command(
    name = "broker",
    mixinStandardHelpOptions = true,
    description = {
      "Starts a real single-node Apache Kafka broker (KRaft) in this process, creates every"
          + " Clipline topic, prints the bootstrap address and the topics, and runs until Ctrl-C."
    })
final class BrokerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--data-dir",
      defaultValue = "${sys:user.home}/.clipline/kafka",
      description = "Broker data directory; formatted on first start, reused after (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--host", defaultValue = "localhost", description = "Host name to advertise (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", defaultValue = "9092", description = "Client port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--controller-port", defaultValue = "9093", description = "KRaft controller port (default: ${DEFAULT-VALUE}).")
  int controllerPort;

  @Option(names = "--exit-when-ready", description = "Stop again once the topics are listed (a smoke test).")
  boolean exitWhenReady;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    BrokerSettings settings;
    try {
      settings = new BrokerSettings(dataDir, host, port, controllerPort, Map.of());
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("clipline broker: " + e.getMessage());
      return 2;
    }
    out.printf("Starting Kafka broker (KRaft, single node), data in %s ...%n", settings.dataDir());
    out.flush();
    long started = System.nanoTime();
    LocalKafka kafka;
    try {
      kafka = LocalKafka.start(settings, TopicCatalog.all());
    } catch (BrokerStartException e) {
      spec.commandLine().getErr().println("clipline broker: " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      out.println("Stopping the broker ...");
      out.flush();
      kafka.close();
      out.println("Broker stopped.");
      out.flush();
      stopped.countDown();
    }, "clipline-broker-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    List<CatalogTopics.Listing> listing = kafka.describe(TopicCatalog.all());
    out.printf("Broker ready in %.1f s. Bootstrap servers: %s%n",
        (System.nanoTime() - started) / 1e9, kafka.bootstrapServers());
    out.printf("Topics (%d created now, %d already there):%n",
        kafka.createdTopics().size(), listing.size() - kafka.createdTopics().size());
    out.print(TopicTable.render(listing));
    out.flush();
    if (exitWhenReady) {
      Runtime.getRuntime().removeShutdownHook(hook);
      kafka.close();
      return 0;
    }
    out.println("Press Ctrl-C to stop.");
    out.flush();
    stopped.await();
    return 0;
  }
}
