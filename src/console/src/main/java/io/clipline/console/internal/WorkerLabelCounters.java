package io.clipline.console.internal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workers' {@code clipline_worker_labels_total{outcome}}, summed over the configured
 * Prometheus endpoints every {@value #INTERVAL_MS} ms, so the page shows an operator the worker
 * taking a label (applied, ignored, unknown_frame ...). Reads only the samples of that one
 * counter from the text format; a worker that does not answer is left out of that round and
 * logged once until it answers again. Thread-safe.
 */
public final class WorkerLabelCounters implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerLabelCounters.class);
  static final long INTERVAL_MS = 1_000;
  /** One sample line of the counter, its outcome tag and value. */
  private static final Pattern SAMPLE = Pattern.compile(
      "^clipline_worker_labels_total\\{(?:[^}]*,)?outcome=\"([a-z_]+)\"[^}]*}\\s+(\\S+).*$");

  private final List<URI> endpoints;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "clipline-console-worker-labels");
    t.setDaemon(true);
    return t;
  });
  private final Consumer<Map<String, Long>> onChange;
  private final Set<URI> failing = ConcurrentHashMap.newKeySet();
  private volatile Map<String, Long> current = Map.of();

  /** Scrapes {@code endpoints}; {@code onChange} gets the new sums whenever they change. */
  public WorkerLabelCounters(List<URI> endpoints, Consumer<Map<String, Long>> onChange) {
    this.endpoints = List.copyOf(endpoints);
    this.onChange = onChange;
  }

  public void start() {
    if (!endpoints.isEmpty()) {
      timer.scheduleWithFixedDelay(this::scrape, 0, INTERVAL_MS, TimeUnit.MILLISECONDS);
    }
  }

  /** Whether any endpoint is configured (else the page does not show the counters). */
  public boolean enabled() {
    return !endpoints.isEmpty();
  }

  /** The latest sums by outcome tag. */
  public Map<String, Long> current() {
    return current;
  }

  private void scrape() {
    Map<String, Long> sums = new TreeMap<>();
    for (URI endpoint : endpoints) {
      try {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(endpoint)
            .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
          throw new IOException("HTTP " + response.statusCode());
        }
        parse(response.body()).forEach((k, v) -> sums.merge(k, v, Long::sum));
        failing.remove(endpoint);
      } catch (IOException e) {
        if (failing.add(endpoint)) {
          LOG.warn("console: worker metrics at {} do not answer: {}", endpoint, e.toString());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    if (!sums.equals(current)) {
      current = Map.copyOf(sums);
      onChange.accept(current);
    }
  }

  /** Outcome → count, from a Prometheus text exposition. */
  static Map<String, Long> parse(String exposition) {
    Map<String, Long> counts = new TreeMap<>();
    for (String line : exposition.split("\n")) {
      Matcher m = SAMPLE.matcher(line);
      if (m.matches()) {
        counts.merge(m.group(1), (long) Double.parseDouble(m.group(2)), Long::sum);
      }
    }
    return counts;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
