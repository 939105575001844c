package io.clipline.console.internal;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.TimeUnit;

/**
 * Fans the console's events out to the open event streams of the pages. Each stream has a
 * bounded queue of {@value #QUEUE_EVENTS} events: a page that cannot keep up is cut off (its
 * stream ends, and the page reloads the snapshot and reconnects) instead of making the server
 * buffer without bound or slowing the feed down. At most {@code maxStreams} streams at once.
 * Thread-safe.
 */
public final class EventHub {
  static final int QUEUE_EVENTS = 512;

  /** One server-sent event: its type and its JSON data on one line. */
  public record Event(String type, String json) {
    /** The event in the text/event-stream format. */
    public String wire() {
      return "event: " + type + "\ndata: " + json + "\n\n";
    }
  }

  /** One page's stream of events. */
  public final class Stream implements AutoCloseable {
    private final BlockingQueue<Event> queue = new ArrayBlockingQueue<>(QUEUE_EVENTS);
    private volatile boolean overflowed;

    /**
     * The next event, waiting up to {@code timeoutMs}; empty when none came (time for a
     * keep-alive).
     *
     * @throws IllegalStateException when the stream fell behind and was cut off
     */
    public Optional<Event> next(long timeoutMs) throws InterruptedException {
      if (overflowed) {
        throw new IllegalStateException("the page fell " + QUEUE_EVENTS + " events behind");
      }
      return Optional.ofNullable(queue.poll(timeoutMs, TimeUnit.MILLISECONDS));
    }

    private void offer(Event event) {
      if (!queue.offer(event)) {
        overflowed = true;
        close();
      }
    }

    @Override
    public void close() {
      streams.remove(this);
    }
  }

  private final Set<Stream> streams = new CopyOnWriteArraySet<>();
  private final int maxStreams;

  public EventHub(int maxStreams) {
    this.maxStreams = maxStreams;
  }

  /** A new stream; empty when {@code maxStreams} are open already. */
  public synchronized Optional<Stream> open() {
    if (streams.size() >= maxStreams) {
      return Optional.empty();
    }
    Stream stream = new Stream();
    streams.add(stream);
    return Optional.of(stream);
  }

  /** Sends an event to every open stream; never blocks. */
  public void publish(String type, String json) {
    Event event = new Event(type, json);
    for (Stream stream : streams) {
      stream.offer(event);
    }
  }

  public int openStreams() {
    return streams.size();
  }
}
