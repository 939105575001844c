package io.clipline.console;

import com.sun.net.httpserver.HttpServer;
import io.clipline.console.internal.ConsoleRoutes;
import io.clipline.console.internal.EventHub;
import io.clipline.console.internal.FrameImages;
import io.clipline.console.internal.JsonViews;
import io.clipline.console.internal.LabelWriter;
import io.clipline.console.internal.LineBoard;
import io.clipline.console.internal.LiveFeed;
import io.clipline.console.internal.RecentFrames;
import io.clipline.console.internal.WorkerLabelCounters;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator console: the web server with the page and its API, the group-less reader of the
 * line's topics that feeds it, the frame fetcher, the label writer and the scraper of the
 * workers' label counters.
 *
 * <pre>{@code
 * try (OperatorConsole console = OperatorConsole.start(new ConsoleConfig(settings))) {
 *   System.out.println("console at " + console.uri());
 *   ...
 * }
 * }</pre>
 *
 * <p>Memory is bounded by configuration ({@code window.frames}, {@code image.cache.frames}) and
 * by at most {@value #MAX_PAGES} open pages, each with a bounded event queue.
 */
public final class OperatorConsole implements AutoCloseable {
  /** Pages (event streams) served at once; each holds one server thread. */
  public static final int MAX_PAGES = 16;
  private static final Logger LOG = LoggerFactory.getLogger(OperatorConsole.class);

  private final LiveFeed feed;
  private final FrameImages images;
  private final LabelWriter labels;
  private final WorkerLabelCounters workerLabels;
  private final HttpServer server;
  private final ExecutorService executor;
  private final AtomicBoolean closed = new AtomicBoolean();

  private OperatorConsole(ConsoleConfig config) {
    RecentFrames frames = new RecentFrames(config.getInt(ConsoleConfig.WINDOW_FRAMES));
    LineBoard board = new LineBoard();
    EventHub hub = new EventHub(MAX_PAGES);
    this.labels = new LabelWriter(config);
    this.images = new FrameImages(config);
    this.workerLabels = new WorkerLabelCounters(
        config.getList(ConsoleConfig.WORKER_METRICS_URLS).stream().map(URI::create).toList(),
        counts -> hub.publish("labels", JsonViews.mapper().valueToTree(counts).toString()));
    this.feed = new LiveFeed(config, frames, board, hub);
    String host = config.getString(ConsoleConfig.HTTP_HOST);
    int port = config.getInt(ConsoleConfig.HTTP_PORT);
    try {
      this.server = HttpServer.create(new InetSocketAddress(host, port), 0);
    } catch (IOException e) {
      close(List.of(feed, images, labels, workerLabels));
      throw new ConsoleException("cannot serve the console on " + host + ":" + port + " ("
          + e.getMessage() + "); choose another " + ConsoleConfig.HTTP_PORT, e);
    }
    AtomicInteger threads = new AtomicInteger();
    this.executor = Executors.newFixedThreadPool(MAX_PAGES + 4, r -> {
      Thread t = new Thread(r, "clipline-console-http-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    new ConsoleRoutes(frames, board, hub, images, labels, workerLabels, config.labelToken())
        .register(server);
  }

  /**
   * Starts serving and reading.
   *
   * @throws ConsoleException when the port cannot be bound
   */
  public static OperatorConsole start(ConsoleConfig config) {
    OperatorConsole console = new OperatorConsole(config);
    console.server.start();
    console.feed.start();
    console.workerLabels.start();
    return console;
  }

  /** Where the page is, for example {@code http://127.0.0.1:8470/}. */
  public URI uri() {
    InetSocketAddress address = server.getAddress();
    String host = address.getAddress().isAnyLocalAddress() ? "localhost"
        : address.getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create("http://" + host + ":" + address.getPort() + "/");
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    // Stop serving first (pages see the end of their streams), then the parts the routes use.
    server.stop(0);
    executor.shutdownNow();
    close(List.of(workerLabels, feed, images, labels));
  }

  private static void close(List<AutoCloseable> parts) {
    for (AutoCloseable part : parts) {
      try {
        part.close();
      } catch (Exception e) {
        // Go on closing the others.
        LOG.warn("console: closing {} failed: {}", part.getClass().getSimpleName(), e.toString());
      }
    }
  }
}
