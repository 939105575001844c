package io.clipline.pipeline.internal;

import io.clipline.pipeline.LineLayout;
import io.clipline.pipeline.LineLayoutLoader;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a processor knows about the lines: the line topology file, overlaid (when configured)
 * by the lines of the line-topology topic, read through its GlobalKTable store. A line in the
 * topic replaces the file's line of the same id; a topic record that does not validate is logged
 * once and ignored, so the file's line (if any) stays in force. One instance per processor.
 */
public final class LineDirectory {
  private static final Logger LOG = LoggerFactory.getLogger(LineDirectory.class);

  private final LineLayout file;
  private final String globalStoreName;
  private final Map<String, Parsed> parsed = new HashMap<>();
  private KeyValueStore<String, ValueAndTimestamp<String>> store;

  private record Parsed(String json, LineLayout.Line line) {}

  /** {@code globalStoreName} may be null: then only the file counts. */
  public LineDirectory(LineLayout file, String globalStoreName) {
    this.file = file;
    this.globalStoreName = globalStoreName;
  }

  void init(ProcessorContext<?, ?> context) {
    if (globalStoreName != null) {
      store = context.getStateStore(globalStoreName);
    }
  }

  Optional<LineLayout.Line> line(String lineId) {
    Optional<LineLayout.Line> fromTopic = fromTopic(lineId);
    return fromTopic.isPresent() ? fromTopic : file.line(lineId);
  }

  Optional<LineLayout.Placement> placement(String cameraId) {
    int slash = cameraId.indexOf('/');
    if (slash > 0) {
      Optional<LineLayout.Line> fromTopic = fromTopic(cameraId.substring(0, slash));
      if (fromTopic.isPresent()) {
        LineLayout.Line line = fromTopic.get();
        for (LineLayout.Station station : line.stations()) {
          for (LineLayout.Camera camera : station.cameras()) {
            if (camera.cameraId().equals(cameraId)) {
              return Optional.of(new LineLayout.Placement(line, station, camera));
            }
          }
        }
        return Optional.empty();
      }
    }
    return file.placement(cameraId);
  }

  private Optional<LineLayout.Line> fromTopic(String lineId) {
    if (store == null) {
      return Optional.empty();
    }
    ValueAndTimestamp<String> record = store.get(lineId);
    if (record == null || record.value() == null) {
      parsed.remove(lineId);
      return Optional.empty();
    }
    Parsed cached = parsed.get(lineId);
    if (cached == null || !cached.json().equals(record.value())) {
      LineLayout.Line line = null;
      try {
        line = LineLayoutLoader.parseLine(lineId, record.value());
      } catch (ConfigException e) {
        LOG.warn("Ignoring line record {} of the line-topology topic: {}", lineId, e.getMessage());
      }
      cached = new Parsed(record.value(), line);
      parsed.put(lineId, cached);
    }
    return Optional.ofNullable(cached.line());
  }
}
