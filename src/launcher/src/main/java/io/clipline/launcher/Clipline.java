package io.clipline.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code clipline} command. */
@Command(
    name = "clipline",
    mixinStandardHelpOptions = true,
    versionProvider = Clipline.Version.class,
    description = "Streaming visual inspection for production lines.",
    subcommands = {DemoCommand.class, BrokerCommand.class, CameraSimCommand.class,
      WorkerCommand.class, PipelineCommand.class, EvalCommand.class, AuditCommand.class,
      ReplayCommand.class, ConsoleCommand.class, TailCommand.class, CommandLine.HelpCommand.class})
public final class Clipline {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command tree, for tests and for {@link #main}. */
  static CommandLine commandLine() {
    return new CommandLine(new Clipline());
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Clipline.class.getPackage().getImplementationVersion();
      return new String[] {"clipline " + (version == null ? "(development build)" : version)};
    }
  }
}
