package io.clipline.camera;

import io.clipline.schemas.FrameEncoding;
import io.clipline.schemas.serde.SerdeSettings;
import io.clipline.schemas.topic.TopicCatalog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything a {@link CameraSimulator} run needs, validated on construction; each message names
 * the field (or both fields, for rules across two). Start from {@link #builder(String)}.
 *
 * @param bootstrapServers Kafka bootstrap servers, {@code host:port[,host:port...]}
 * @param topic topic the frames go to, normally {@code clipline.frames.v1}
 * @param lines number of production lines, ids {@code line-1...}
 * @param camerasPerLine cameras on each line
 * @param camerasPerStation cameras at each station; a line has {@code ceil(camerasPerLine /
 *     camerasPerStation)} stations and the cameras of one station see the same items in turn
 * @param framesPerSecond total rate over all cameras, paced evenly
 * @param frameCount frames to send in all; 0 = until the duration ends or the simulator is closed
 * @param duration how long to send; {@link Duration#ZERO} = no limit
 * @param defectRate share of defective frames in [0, 1]
 * @param encoding encoding of procedural frames (JPEG, PNG, GRAY8, BGR8); dataset images keep
 *     their own
 * @param width procedural frame width in pixels
 * @param height procedural frame height in pixels
 * @param color procedural frames in B,G,R when true, gray when false
 * @param seed fixes textures, defects and dataset picks
 * @param dataset folder or manifest CSV of real images ({@link DatasetFolder}); {@code null} =
 *     {@link ProceduralSurfaces}
 * @param groundTruthHeaders whether to add the {@link GroundTruthHeaders} to each record
 * @param outageTolerance how long a frame may wait for the broker (buffered, retried) before it
 *     is dropped and counted, and how long sending may block on a full buffer: a broker outage
 *     shorter than this loses nothing
 * @param bufferBytes memory for frames not yet acknowledged (the producer's buffer.memory); when
 *     it is full, sending waits, which slows the cameras instead of dropping frames
 * @param serde the wire format of the frames ({@code serde.format}) and its schema registry
 */
public record SimulatorSettings(
    String bootstrapServers,
    String topic,
    int lines,
    int camerasPerLine,
    int camerasPerStation,
    double framesPerSecond,
    long frameCount,
    Duration duration,
    double defectRate,
    FrameEncoding encoding,
    int width,
    int height,
    boolean color,
    long seed,
    Path dataset,
    boolean groundTruthHeaders,
    Duration outageTolerance,
    long bufferBytes,
    SerdeSettings serde) {
  /** More cameras than this is a configuration mistake, not a simulation. */
  public static final int MAX_CAMERAS = 10_000;

  public static final double MAX_FRAMES_PER_SECOND = 100_000;

  /** The longest outage tolerance: the producer takes it in int milliseconds. */
  public static final Duration MAX_OUTAGE_TOLERANCE = Duration.ofHours(24);

  public SimulatorSettings {
    Objects.requireNonNull(serde, "serde");
    requireText("bootstrapServers", bootstrapServers);
    requireText("topic", topic);
    requireAtLeastOne("lines", lines);
    requireAtLeastOne("camerasPerLine", camerasPerLine);
    requireAtLeastOne("camerasPerStation", camerasPerStation);
    if (camerasPerStation > camerasPerLine) {
      throw new IllegalArgumentException("camerasPerStation must not exceed camerasPerLine, got "
          + camerasPerStation + " > " + camerasPerLine);
    }
    if ((long) lines * camerasPerLine > MAX_CAMERAS) {
      throw new IllegalArgumentException("lines * camerasPerLine must be at most " + MAX_CAMERAS
          + ", got " + lines + " * " + camerasPerLine);
    }
    if (!(framesPerSecond > 0 && framesPerSecond <= MAX_FRAMES_PER_SECOND)) {
      throw new IllegalArgumentException("framesPerSecond must be in (0, " + MAX_FRAMES_PER_SECOND
          + "], got " + framesPerSecond);
    }
    if (frameCount < 0) {
      throw new IllegalArgumentException(
          "frameCount must be 0 (until closed) or positive, got " + frameCount);
    }
    Objects.requireNonNull(duration, "duration must not be null; use Duration.ZERO for no limit");
    if (duration.isNegative()) {
      throw new IllegalArgumentException(
          "duration must be zero (no limit) or positive, got " + duration);
    }
    Objects.requireNonNull(outageTolerance, "outageTolerance must not be null");
    if (outageTolerance.compareTo(Duration.ofSeconds(1)) < 0
        || outageTolerance.compareTo(MAX_OUTAGE_TOLERANCE) > 0) {
      throw new IllegalArgumentException("outageTolerance must be between PT1S and "
          + MAX_OUTAGE_TOLERANCE + ", got " + outageTolerance);
    }
    if (bufferBytes < TopicCatalog.MAX_FRAME_BYTES || bufferBytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("bufferBytes must hold the largest frame ("
          + TopicCatalog.MAX_FRAME_BYTES + ") and be at most " + Integer.MAX_VALUE + ", got "
          + bufferBytes);
    }
    Objects.requireNonNull(encoding, "encoding must not be null");
    // The procedural options validate defectRate, encoding, size and color, and say which field.
    new ProceduralSurfaces.Options(width, height, color, encoding, defectRate, seed);
    if (encoding == FrameEncoding.BGR8 || encoding == FrameEncoding.GRAY8) {
      long bytes = (long) width * height * (color ? 3 : 1);
      if (bytes > TopicCatalog.MAX_FRAME_BYTES - 64 * 1024) {
        throw new IllegalArgumentException("width * height * channels of a raw " + encoding
            + " frame must fit the frames topic's " + TopicCatalog.MAX_FRAME_BYTES
            + " bytes with room for the record, got " + bytes);
      }
    }
  }

  /** A builder holding the defaults listed on {@link Builder}. */
  public static Builder builder(String bootstrapServers) {
    return new Builder(bootstrapServers);
  }

  /** Total number of simulated cameras. */
  public int cameraCount() {
    return lines * camerasPerLine;
  }

  /** The options {@link ProceduralSurfaces} renders with. */
  public ProceduralSurfaces.Options surfaceOptions() {
    return new ProceduralSurfaces.Options(width, height, color, encoding, defectRate, seed);
  }

  /** Opens the frame source these settings name: the dataset, or procedural surfaces. */
  public FrameSource openSource() {
    return dataset == null
        ? new ProceduralSurfaces(surfaceOptions())
        : DatasetFolder.open(dataset, defectRate, seed);
  }

  private static void requireText(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(
          field + " must be a non-blank string, got " + (value == null ? "null" : "'" + value + "'"));
    }
  }

  private static void requireAtLeastOne(String field, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(field + " must be at least 1, got " + value);
    }
  }

  /**
   * Builds {@link SimulatorSettings}. Defaults: topic {@code clipline.frames.v1}, 1 line, 3
   * cameras on one station, 10 frames/s, no frame or time limit, 10 % defects, 256x256 gray PNG,
   * seed 42, procedural surfaces, ground-truth headers on, outages of up to 5 minutes buffered in
   * 64 MiB.
   */
  public static final class Builder {
    private final String bootstrapServers;
    private String topic = TopicCatalog.FRAMES.name();
    private int lines = 1;
    private int camerasPerLine = 3;
    private Integer camerasPerStation;
    private double framesPerSecond = 10;
    private long frameCount;
    private Duration duration = Duration.ZERO;
    private double defectRate = 0.1;
    private FrameEncoding encoding = FrameEncoding.PNG;
    private int width = 256;
    private int height = 256;
    private boolean color;
    private long seed = 42;
    private Path dataset;
    private boolean groundTruthHeaders = true;
    private Duration outageTolerance = Duration.ofMinutes(5);
    private long bufferBytes = 64L * 1024 * 1024;
    private SerdeSettings serde = SerdeSettings.SINGLE_OBJECT;

    private Builder(String bootstrapServers) {
      this.bootstrapServers = bootstrapServers;
    }

    public Builder topic(String topic) {
      this.topic = topic;
      return this;
    }

    public Builder lines(int lines) {
      this.lines = lines;
      return this;
    }

    public Builder camerasPerLine(int camerasPerLine) {
      this.camerasPerLine = camerasPerLine;
      return this;
    }

    /** Cameras per station; when not set, all cameras of a line are at one station. */
    public Builder camerasPerStation(int camerasPerStation) {
      this.camerasPerStation = camerasPerStation;
      return this;
    }

    public Builder framesPerSecond(double framesPerSecond) {
      this.framesPerSecond = framesPerSecond;
      return this;
    }

    public Builder frameCount(long frameCount) {
      this.frameCount = frameCount;
      return this;
    }

    public Builder duration(Duration duration) {
      this.duration = duration;
      return this;
    }

    public Builder defectRate(double defectRate) {
      this.defectRate = defectRate;
      return this;
    }

    public Builder encoding(FrameEncoding encoding) {
      this.encoding = encoding;
      return this;
    }

    public Builder size(int width, int height) {
      this.width = width;
      this.height = height;
      return this;
    }

    public Builder color(boolean color) {
      this.color = color;
      return this;
    }

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Real images instead of procedural surfaces; {@code null} goes back to procedural. */
    public Builder dataset(Path dataset) {
      this.dataset = dataset;
      return this;
    }

    public Builder groundTruthHeaders(boolean groundTruthHeaders) {
      this.groundTruthHeaders = groundTruthHeaders;
      return this;
    }

    public Builder outageTolerance(Duration outageTolerance) {
      this.outageTolerance = outageTolerance;
      return this;
    }

    public Builder bufferBytes(long bufferBytes) {
      this.bufferBytes = bufferBytes;
      return this;
    }

    public Builder serde(SerdeSettings serde) {
      this.serde = serde;
      return this;
    }

    public SimulatorSettings build() {
      return new SimulatorSettings(bootstrapServers, topic, lines, camerasPerLine,
          camerasPerStation == null ? camerasPerLine : camerasPerStation, framesPerSecond,
          frameCount, duration, defectRate, encoding, width, height, color, seed, dataset,
          groundTruthHeaders, outageTolerance, bufferBytes, serde);
    }
  }
}
