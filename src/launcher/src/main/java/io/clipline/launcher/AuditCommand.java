package io.clipline.launcher;

import io.clipline.schemas.CameraFrame;
import io.clipline.schemas.DeadLetter;
import io.clipline.schemas.FrameVerdict;
import io.clipline.schemas.serde.SerdeSettings;
import io.clipline.schemas.topic.TopicCatalog;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code clipline audit}: reads the frames, verdicts and dead-letter topics to their ends with
 * read_committed and checks exactly-once ({@link FrameAudit}); exit code 0 when it holds, 1 when
 * anything is missing, duplicated, orphaned or out of order.
 */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = {
      "Reads the frames, verdicts and dead letters committed so far (read_committed) and checks"
          + " that every frame offset has exactly one verdict or one dead letter, that no verdict"
          + " lacks its frame, and that each camera's verdicts follow its capture order. Run it"
          + " once the workers have caught up; exit code 1 when any check fails."
    })
final class AuditCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--bootstrap-servers", defaultValue = "localhost:9092",
      description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
  String bootstrapServers;

  @Option(names = "--frames-topic", description = "Frames topic (default: the catalog's).")
  String framesTopic = TopicCatalog.FRAMES.name();

  @Option(names = "--verdicts-topic", description = "Verdicts topic (default: the catalog's).")
  String verdictsTopic = TopicCatalog.VERDICTS.name();

  @Option(names = "--dlq-topic", description = "Dead-letter topic (default: the catalog's).")
  String dlqTopic = TopicCatalog.FRAMES_DLQ.name();

  @Mixin RegistryOptions registryOptions = new RegistryOptions();

  @Mixin ClientConfigOption clientConfig = new ClientConfigOption();

  @Option(names = "--timeout-s", defaultValue = "60",
      description = "Longest each topic is read (default: ${DEFAULT-VALUE} s).")
  int timeoutSeconds;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    FrameAudit audit = new FrameAudit();
    Optional<SerdeSettings> registry = registryOptions.settingsIfGiven(spec);
    EitherFormatReader<CameraFrame> frames = new EitherFormatReader<>(CameraFrame.class, registry);
    EitherFormatReader<DeadLetter> letters = new EitherFormatReader<>(DeadLetter.class, registry);
    EitherFormatReader<FrameVerdict> verdicts =
        new EitherFormatReader<>(FrameVerdict.class, registry);
    CommittedTopicReader reader = new CommittedTopicReader(clientConfig.settings(spec),
        bootstrapServers, "clipline-audit", Duration.ofSeconds(timeoutSeconds));
    reader.read(framesTopic, (tp, r) ->
        audit.frame(tp, r.offset(), decodeOrNull(frames, r), ReplayCommand.replayOf(r)));
    List<String> notLetters = new ArrayList<>();
    reader.read(dlqTopic, (tp, r) -> {
      try {
        audit.deadLetter(letters.read(dlqTopic, r.value()));
      } catch (RuntimeException e) {
        // Not a dead letter: the frame it was meant for, if any, shows up as missing.
        notLetters.add(tp + "@" + r.offset() + ": " + e.getMessage());
      }
    });
    reader.read(verdictsTopic,
        (tp, r) -> audit.verdict(verdicts.read(verdictsTopic, r.value())));
    audit.check();
    out.printf("frames %d, verdicts %d, dead letters %d, replayed frames %d%n", audit.frames(),
        audit.verdicts(), audit.deadLetters(), audit.replays());
    audit.counts().forEach((kind, n) -> {
      out.printf("%-16s %d%n", kind, n);
      audit.examples().get(kind).forEach(e -> out.println("  " + e));
    });
    if (!notLetters.isEmpty()) {
      out.printf("%s records that are not dead letters: %d, skipped%n", dlqTopic,
          notLetters.size());
      notLetters.stream().limit(FrameAudit.EXAMPLES).forEach(e -> out.println("  " + e));
    }
    out.println(audit.clean() ? "exactly once: holds" : "exactly once: DOES NOT HOLD");
    return audit.clean() ? 0 : 1;
  }

  private static CameraFrame decodeOrNull(EitherFormatReader<CameraFrame> frames,
      ConsumerRecord<byte[], byte[]> record) {
    try {
      return record.value() == null ? null : frames.read(record.topic(), record.value());
    } catch (RuntimeException e) {
      return null; // not a frame: it must have a dead letter by offset
    }
  }
}
