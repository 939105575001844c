package io.clipline.launcher;

import io.clipline.schemas.DeadLetter;
import io.clipline.schemas.DeadLetterHeader;
import io.clipline.schemas.serde.SerdeSettings;
import io.clipline.schemas.topic.TopicCatalog;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code clipline replay}: publishes the original records of selected dead letters again to the
 * topic they came from, for frames refused for a cause since fixed (claim-check storage that was
 * down, a producer that wrote the wrong record). The dead letter keeps the original key, value
 * and headers ({@code DeadLetter.avsc}); the replayed record carries them unchanged plus a
 * {@value #REPLAY_OF} header naming the original record, which {@code clipline audit} reads
 * ({@link FrameAudit}).
 *
 * <p>Each run replays every letter it selects, so a second run publishes them again: narrow it
 * with {@code --since}. A letter whose value was not kept (a tombstone, or a value too large to
 * copy) cannot be replayed and is counted as such.
 */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
      "Publishes the original records of dead letters again to the topic they came from (the"
          + " frames topic unless --topic says otherwise), so that the workers judge frames"
          + " refused for a cause since fixed. Reads the dead-letter topic to its committed end"
          + " and selects by --reason (required), --camera and --since/--until (when the record"
          + " was dead-lettered); --dry-run lists the selection without publishing. A replayed"
          + " record keeps its key, value and headers and carries a clipline.replay-of header"
          + " naming the original; every run replays what it selects again."
    })
final class ReplayCommand implements Callable<Integer> {
  /** Header of a replayed record: where the original was, as {@code topic-partition@offset}. */
  static final String REPLAY_OF = "clipline.replay-of";

  @Spec CommandSpec spec;

  @Option(names = "--bootstrap-servers", defaultValue = "localhost:9092",
      description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
  String bootstrapServers;

  @Option(names = "--dlq-topic", description = "Dead-letter topic (default: the catalog's).")
  String dlqTopic = TopicCatalog.FRAMES_DLQ.name();

  @Option(names = "--topic",
      description = "Replay only letters of records from this topic (default: the catalog's"
          + " frames topic).")
  String topic = TopicCatalog.FRAMES.name();

  @Option(names = "--reason", required = true, paramLabel = "CODE",
      description = "Reason code to replay, e.g. fetch.not_found; STAGE.* for every code of a"
          + " stage (fetch.*); * for every reason. Repeat for several.")
  List<String> reasons;

  @Option(names = "--camera", description = "Only letters of this camera id.")
  String camera;

  @Option(names = "--since", paramLabel = "INSTANT",
      description = "Only letters dead-lettered at or after this ISO-8601 instant"
          + " (2026-12-03T08:00:00Z).")
  String since;

  @Option(names = "--until", paramLabel = "INSTANT",
      description = "Only letters dead-lettered before this ISO-8601 instant.")
  String until;

  @Option(names = "--max", defaultValue = "0",
      description = "Replay at most this many letters, oldest first per partition (default: 0,"
          + " no limit).")
  int max;

  @Option(names = "--dry-run", description = "List the selected letters; publish nothing.")
  boolean dryRun;

  @Mixin RegistryOptions registryOptions = new RegistryOptions();

  @Mixin ClientConfigOption clientConfig = new ClientConfigOption();

  @Option(names = "--timeout-s", defaultValue = "60",
      description = "Longest the dead-letter topic is read, and the replayed records are"
          + " acknowledged (default: ${DEFAULT-VALUE} s).")
  int timeoutSeconds;

  /** Where a replayed record's original was, from its {@value #REPLAY_OF} header; else null. */
  static String replayOf(ConsumerRecord<byte[], byte[]> record) {
    Header header = record.headers().lastHeader(REPLAY_OF);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    Instant from = instant("--since", since);
    Instant to = instant("--until", until);
    if (max < 0) {
      throw new ParameterException(spec.commandLine(), "--max must be 0 or more, got " + max);
    }
    Optional<SerdeSettings> registry = registryOptions.settingsIfGiven(spec);
    EitherFormatReader<DeadLetter> reader = new EitherFormatReader<>(DeadLetter.class, registry);
    Map<String, Object> clientSettings = clientConfig.settings(spec);
    Map<String, Integer> byReason = new TreeMap<>();
    int[] selected = {0};
    int[] notReplayable = {0};
    int[] unreadable = {0};
    // Letters are published as they are read, so that a long outage's DLQ (each letter a whole
    // frame) is never held in memory at once; only the pending acknowledgements are.
    List<Sent> sent = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> producer = dryRun ? null : producer(clientSettings)) {
      new CommittedTopicReader(clientSettings, bootstrapServers, "clipline-replay",
          Duration.ofSeconds(timeoutSeconds)).read(dlqTopic, (tp, r) -> {
            DeadLetter letter;
            try {
              letter = reader.read(dlqTopic, r.value());
            } catch (RuntimeException e) {
              unreadable[0]++;
              out.printf("not a dead letter at %s@%d, skipped: %s%n", tp, r.offset(),
                  e.getMessage());
              return;
            }
            if (!selects(letter, from, to) || (max > 0 && selected[0] >= max)) {
              return;
            }
            if (letter.getOriginalValue() == null) {
              notReplayable[0]++;
              out.printf("not replayable (no original value kept, %d bytes): %s%n",
                  letter.getOriginalValueSize(), describe(letter));
              return;
            }
            selected[0]++;
            byReason.merge(letter.getReasonCode(), 1, Integer::sum);
            if (dryRun) {
              out.println("would replay " + describe(letter));
            } else {
              sent.add(new Sent(describe(letter), producer.send(recordOf(letter))));
            }
          });
      if (producer != null) {
        producer.flush();
        awaitAcknowledged(sent);
      }
    }
    out.printf("%s %d dead letters to %s (%s), %d not replayable%s%n",
        dryRun ? "would replay" : "replayed", selected[0], topic, byReason, notReplayable[0],
        unreadable[0] == 0 ? "" : ", " + unreadable[0] + " records of " + dlqTopic
            + " not dead letters");
    return 0;
  }

  /** A replayed letter, described, and its send's acknowledgement. */
  private record Sent(String letter, Future<RecordMetadata> ack) {}

  private boolean selects(DeadLetter letter, Instant from, Instant to) {
    if (!topic.equals(letter.getOriginalTopic())) {
      return false;
    }
    if (camera != null && !camera.equals(letter.getCameraId())) {
      return false;
    }
    Instant time = letter.getTime();
    if ((from != null && time.isBefore(from)) || (to != null && !time.isBefore(to))) {
      return false;
    }
    String code = letter.getReasonCode();
    for (String reason : reasons) {
      if (reason.equals("*") || reason.equals(code)
          || (reason.endsWith(".*") && code.startsWith(reason.substring(0, reason.length() - 1)))) {
        return true;
      }
    }
    return false;
  }

  private KafkaProducer<byte[], byte[]> producer(Map<String, Object> clientSettings) {
    Map<String, Object> props = new HashMap<>(clientSettings);
    props.putAll(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG, TopicCatalog.FRAMES_DLQ.maxMessageBytes(),
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, timeoutSeconds * 1000,
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(30_000, timeoutSeconds * 500),
        ProducerConfig.CLIENT_ID_CONFIG, "clipline-replay"));
    return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static void awaitAcknowledged(List<Sent> sent) throws InterruptedException {
    for (int i = 0; i < sent.size(); i++) {
      try {
        sent.get(i).ack().get();
      } catch (ExecutionException e) {
        throw new IllegalStateException("replaying " + sent.get(i).letter() + " failed (" + i
            + " of " + sent.size() + " acknowledged before it): " + e.getCause(), e.getCause());
      }
    }
  }

  private ProducerRecord<byte[], byte[]> recordOf(DeadLetter letter) {
    List<Header> headers = new ArrayList<>();
    for (DeadLetterHeader h : letter.getHeaders()) {
      headers.add(new RecordHeader(h.getKey(), h.getValue() == null ? null : bytes(h.getValue())));
    }
    headers.add(new RecordHeader(REPLAY_OF, original(letter).getBytes(StandardCharsets.UTF_8)));
    byte[] key = letter.getOriginalKey() == null ? null : bytes(letter.getOriginalKey());
    return new ProducerRecord<>(topic, null, key, bytes(letter.getOriginalValue()), headers);
  }

  private static String original(DeadLetter letter) {
    return letter.getOriginalTopic() + "-" + letter.getOriginalPartition() + "@"
        + letter.getOriginalOffset();
  }

  private static String describe(DeadLetter letter) {
    return original(letter) + " " + letter.getReasonCode() + " frame " + letter.getFrameId()
        + " camera " + letter.getCameraId() + " dead-lettered " + letter.getTime();
  }

  private static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer view = buffer.duplicate();
    byte[] bytes = new byte[view.remaining()];
    view.get(bytes);
    return bytes;
  }

  private Instant instant(String option, String value) {
    if (value == null) {
      return null;
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new ParameterException(spec.commandLine(),
          option + " must be an ISO-8601 instant such as 2026-12-03T08:00:00Z, got '" + value + "'");
    }
  }
}
