package io.clipline.launcher;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the Kafka bootstrap servers of a standalone process every few seconds whether they
 * answer, and says so in one log line when that changes: once, naming the servers, when they
 * cannot be reached, and once when they answer again. It is what the process says about its
 * connection; the Kafka clients' own per-attempt warnings (NetworkClient) are quietened in the
 * logging setup, so an unreachable cluster is one line, not one per retry.
 *
 * <p>One daemon thread with its own admin client, closed by {@link #close()}.
 */
final class BootstrapWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BootstrapWatch.class);

  private final String servers;
  private final Duration interval;
  private final Admin admin;
  private final Thread thread;
  private final Object lock = new Object();
  private volatile boolean closed;
  private Boolean reachable; // null until the first answer or failure; guarded by lock

  /**
   * Starts watching.
   *
   * @param servers the bootstrap servers, as the process was given them (for the messages)
   * @param clientSettings settings for the admin client: the bootstrap servers and whatever
   *     security settings the process's clients use; other keys are left out
   * @param interval time between two checks, also the longest one check waits
   */
  BootstrapWatch(String servers, Map<String, Object> clientSettings, Duration interval) {
    this.servers = servers;
    this.interval = interval;
    Map<String, Object> props = new HashMap<>();
    clientSettings.forEach((key, value) -> {
      if (AdminClientConfig.configNames().contains(key)) {
        props.put(key, value);
      }
    });
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "clipline-bootstrap-watch");
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) interval.toMillis());
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) interval.toMillis());
    this.admin = Admin.create(props);
    this.thread = new Thread(this::run, "clipline-bootstrap-watch");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Blocks until the servers answered once, or {@code timeout} passed; whether they answered.
   */
  boolean awaitReachable(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (!Boolean.TRUE.equals(reachable) && !closed) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(lock, left);
      }
      return Boolean.TRUE.equals(reachable);
    }
  }

  private void run() {
    while (!closed) {
      long started = System.nanoTime();
      String failure = check();
      if (closed) {
        break; // the process stops: nothing more to say about its connection
      }
      synchronized (lock) {
        boolean now = failure == null;
        if (reachable == null || reachable != now) {
          if (now) {
            LOG.info("Kafka bootstrap servers {} answer", servers);
          } else if (reachable == null) {
            LOG.warn("cannot reach the Kafka bootstrap servers {} ({}); retrying every {} s,"
                + " quiet until they answer", servers, failure, interval.toSeconds());
          } else {
            LOG.warn("lost the Kafka bootstrap servers {} ({}); retrying every {} s, quiet until"
                + " they answer again", servers, failure, interval.toSeconds());
          }
        }
        reachable = now;
        lock.notifyAll();
      }
      // A check that failed at once (refused, not timed out) waits out the interval too.
      sleep(interval.minusNanos(System.nanoTime() - started));
    }
  }

  /** {@code null} when the cluster answered, else what went wrong. */
  private String check() {
    try {
      admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) interval.toMillis()))
          .clusterId().get();
      return null;
    } catch (ExecutionException e) {
      return e.getCause().getClass().getSimpleName() + ": " + e.getCause().getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
      return "interrupted";
    } catch (RuntimeException e) {
      return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
  }

  private void sleep(Duration pause) {
    try {
      Thread.sleep(Math.max(0, pause.toMillis()));
    } catch (InterruptedException e) {
      closed = true;
    }
  }

  @Override
  public void close() {
    closed = true;
    synchronized (lock) {
      lock.notifyAll();
    }
    thread.interrupt();
    try {
      thread.join(interval.toMillis() * 2);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    admin.close(Duration.ofSeconds(1));
  }
}
