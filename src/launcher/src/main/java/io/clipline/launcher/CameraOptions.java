package io.clipline.launcher;

import io.clipline.camera.DatasetException;
import io.clipline.camera.FrameSource;
import io.clipline.camera.SimulatorSettings;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The simulated cameras' options that {@code demo} and {@code camera-sim} share, and the
 * {@link SimulatorSettings} made from them. Each command constructs this mixin with its own
 * defaults for the frame count, the rate and the cameras per line.
 */
final class CameraOptions {
  /**
   * The option that sets each {@link SimulatorSettings} field. The settings name the field (or
   * both fields) at fault in each message, which is how a rejected value finds its option.
   */
  private static final Map<String, String> OPTION_BY_FIELD = Map.ofEntries(
      Map.entry("bootstrapServers", "--bootstrap-servers"),
      Map.entry("topic", "--topic"),
      Map.entry("lines", "--lines"),
      Map.entry("camerasPerLine", "--cameras"),
      Map.entry("camerasPerStation", "--cameras-per-station"),
      Map.entry("framesPerSecond", "--fps"),
      Map.entry("frameCount", "--frames"),
      Map.entry("duration", "--duration"),
      Map.entry("defectRate", "--defect-rate"),
      Map.entry("encoding", "--encoding"),
      Map.entry("width", "--width"),
      Map.entry("height", "--height"),
      Map.entry("color", "--color"),
      Map.entry("seed", "--seed"),
      Map.entry("outageTolerance", "--outage-tolerance"),
      Map.entry("bufferBytes", "--buffer-mb"));

  /** A word, unless possessive: "the frames topic's 8 MiB" is about the topic, not the field. */
  private static final Pattern WORD = Pattern.compile("\\b\\w+\\b(?!')");

  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(names = "--frames", description = "Frames to send over all cameras (default: ${DEFAULT-VALUE}).")
  long frames;

  @Option(names = "--fps", description = "Frames per second over all cameras (default: ${DEFAULT-VALUE}).")
  double fps;

  @Option(names = "--lines", defaultValue = "1", description = "Production lines (default: ${DEFAULT-VALUE}).")
  int lines;

  @Option(names = "--cameras", description = "Cameras per line (default: ${DEFAULT-VALUE}).")
  int cameras;

  @Option(names = "--defect-rate", defaultValue = "0.1", description = "Share of defective frames (default: ${DEFAULT-VALUE}).")
  double defectRate;

  @Option(names = "--dataset", description = "Replay images from a folder (MVTec/VisA layout, flat, or a manifest CSV) instead of procedural surfaces. PNG and JPEG files are sent as they are, BMP and TIFF as PNG of the same pixels.")
  Path dataset;

  /** Options whose defaults, shown in the help, are these values. */
  CameraOptions(long frames, double fps, int cameras) {
    this.frames = frames;
    this.fps = fps;
    this.cameras = cameras;
  }

  /** A settings builder with these options applied, for the command to add its own. */
  SimulatorSettings.Builder builder(String bootstrapServers) {
    return SimulatorSettings.builder(bootstrapServers)
        .lines(lines).camerasPerLine(cameras)
        .framesPerSecond(fps).frameCount(frames).defectRate(defectRate)
        .dataset(dataset);
  }

  /**
   * Builds the settings.
   *
   * @throws ParameterException naming the command's option(s) behind a rejected setting
   */
  SimulatorSettings build(SimulatorSettings.Builder builder) {
    try {
      return builder.build();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(mixee.commandLine(), invalid(e.getMessage()));
    }
  }

  /**
   * Opens the frame source {@code settings} name.
   *
   * @throws ParameterException naming {@code --dataset} when the dataset cannot be read
   */
  FrameSource source(SimulatorSettings settings) {
    try {
      return settings.openSource();
    } catch (DatasetException e) {
      throw new ParameterException(mixee.commandLine(),
          "Invalid value for option '--dataset': " + e.getMessage());
    }
  }

  /**
   * The message, led by the options of this command that set the fields it names, with each
   * field name replaced by its option: a user knows {@code --frames}, not {@code frameCount}.
   */
  private String invalid(String message) {
    Set<String> options = new LinkedHashSet<>();
    StringBuilder rewritten = new StringBuilder();
    Matcher words = WORD.matcher(message);
    while (words.find()) {
      String option = OPTION_BY_FIELD.get(words.group());
      if (option != null && mixee.findOption(option) != null) {
        options.add(option);
        words.appendReplacement(rewritten, Matcher.quoteReplacement(option));
      }
    }
    words.appendTail(rewritten);
    if (options.isEmpty()) {
      return message;
    }
    return (options.size() == 1 ? "Invalid value for option " : "Invalid values for options ")
        + "'" + String.join("', '", options) + "': " + rewritten;
  }
}
