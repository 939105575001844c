package io.clipline.pipeline;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which cameras look at which station, how many views an item gets, which reject gate serves a
 * station and how long an item travels from the station's cameras to that gate. Immutable and
 * validated on construction; {@link LineLayoutLoader} reads it from a JSON file.
 *
 * <p>The physical line, not the Kafka Streams graph ({@link PipelineTopology}). The settings and
 * the topic it is read from keep their names ({@code line.topology.*}, the line-topology topic),
 * which operators already use.
 */
public final class LineLayout {
  private final List<Line> lines;
  private final Map<String, Placement> index = new HashMap<>();

  /** A camera. {@code itemView} cameras give one view of every item on their line. */
  public record Camera(String cameraId, long expectedIntervalMs, boolean itemView) {
    public Camera {
      Objects.requireNonNull(cameraId, "cameraId");
    }
  }

  /** A station, its cameras and the reject gate downstream of it ({@code gateId} may be null). */
  public record Station(String stationId, String gateId, long travelTimeMs, List<Camera> cameras) {
    public Station {
      Objects.requireNonNull(stationId, "stationId");
      cameras = List.copyOf(cameras);
    }
  }

  /** A line. {@code rejectOnUnsure}: UNSURE items are rejected (for review) like NG ones. */
  public record Line(String lineId, boolean rejectOnUnsure, List<Station> stations) {
    public Line {
      Objects.requireNonNull(lineId, "lineId");
      stations = List.copyOf(stations);
    }

    /** Camera ids that give one view of every item, in id order. */
    public List<String> itemViewCameras() {
      return stations.stream().flatMap(s -> s.cameras().stream())
          .filter(Camera::itemView).map(Camera::cameraId).sorted().toList();
    }
  }

  /** Where a camera is: its line, its station and the camera itself. */
  public record Placement(Line line, Station station, Camera camera) {}

  public LineLayout(List<Line> lines) {
    this.lines = List.copyOf(lines);
    Set<String> lineIds = new HashSet<>();
    Set<String> cameraIds = new HashSet<>();
    for (Line line : lines) {
      if (!lineIds.add(line.lineId())) {
        throw new IllegalArgumentException("duplicate lineId " + line.lineId());
      }
      for (Station station : line.stations()) {
        for (Camera camera : station.cameras()) {
          if (!cameraIds.add(camera.cameraId())) {
            throw new IllegalArgumentException("duplicate cameraId " + camera.cameraId());
          }
          index.put(camera.cameraId(), new Placement(line, station, camera));
        }
      }
    }
  }

  /** A layout that knows no line: every frame is an item of one view and no gate is known. */
  public static LineLayout empty() {
    return new LineLayout(List.of());
  }

  /** Where {@code cameraId} sits, if the layout knows it. */
  public Optional<Placement> placement(String cameraId) {
    return Optional.ofNullable(index.get(cameraId));
  }

  public Optional<Line> line(String lineId) {
    return lines.stream().filter(l -> l.lineId().equals(lineId)).findFirst();
  }

  public List<Line> lines() {
    return lines;
  }

  /** Cameras of all lines with their placement. */
  public java.util.Collection<Placement> placements() {
    return index.values();
  }
}
