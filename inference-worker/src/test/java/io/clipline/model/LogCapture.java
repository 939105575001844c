package io.clipline.model;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/** Records what one class logs, at every level, while open. */
final class LogCapture extends AbstractAppender implements AutoCloseable {
  private final List<LogEvent> events = new CopyOnWriteArrayList<>();
  private final Logger logger;
  private final Level previousLevel;

  LogCapture(Class<?> source) {
    super("capture-" + source.getName(), null, null, true, Property.EMPTY_ARRAY);
    logger = (Logger) LogManager.getLogger(source);
    previousLevel = logger.getLevel();
    start();
    logger.addAppender(this);
    logger.setLevel(Level.ALL);
  }

  @Override
  public void append(LogEvent event) {
    events.add(event.toImmutable());
  }

  /** The formatted messages logged at {@code level}. */
  List<String> messages(Level level) {
    return events.stream()
        .filter(e -> e.getLevel() == level)
        .map(e -> e.getMessage().getFormattedMessage())
        .collect(Collectors.toList());
  }

  @Override
  public void close() {
    logger.removeAppender(this);
    logger.setLevel(previousLevel);
    stop();
  }
}
