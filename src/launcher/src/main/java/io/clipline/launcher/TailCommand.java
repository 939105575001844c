package io.clipline.launcher;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clipline.schemas.topic.TopicCatalog;
import io.clipline.schemas.topic.TopicSpec;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code clipline tail TOPIC}: prints the committed records of any Clipline topic, one JSON
 * object (or table row) per record, decoded with the topic's Avro record type. Reads every
 * partition without a consumer group (nothing is committed, no group is left behind) and with
 * read_committed, so it shows what the workers and the pipeline committed, nothing of aborted
 * transactions.
 */
@Command(
    name = "tail",
    mixinStandardHelpOptions = true,
    description = {
      "Prints the records of a Clipline topic as JSON lines (or a table): topic, partition,"
          + " offset, timestamp, key and the decoded value; byte fields (images) as their size."
          + " Without --follow it prints what the topic holds now and exits; with --follow it"
          + " starts at the end and prints new records until Ctrl-C (or --max). Reads every"
          + " partition without a consumer group, read_committed; records of different partitions"
          + " interleave in the order they arrive. A record that cannot be decoded is printed"
          + " with an \"error\" saying why."
    })
final class TailCommand implements Callable<Integer> {
  /** How {@code tail} prints each record. */
  enum Format { json, table }

  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "TOPIC",
      description = "Topic to read, e.g. clipline.verdicts.v1; its record type comes from the"
          + " topic catalog (also for names that end in a catalog name), or from --record.")
  String topic;

  @Option(names = "--bootstrap-servers", defaultValue = "localhost:9092",
      description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
  String bootstrapServers;

  @Option(names = {"-f", "--follow"},
      description = "Keep printing new records until Ctrl-C; starts at the end of the topic"
          + " unless --from-beginning.")
  boolean follow;

  @Option(names = "--from-beginning",
      description = "With --follow: start at the oldest record kept instead of the end."
          + " (Without --follow, tail always reads from the oldest record to the current end.)")
  boolean fromBeginning;

  @Option(names = "--max", defaultValue = "0",
      description = "Stop after printing this many records; 0: no limit (default: ${DEFAULT-VALUE}).")
  long max;

  @Option(names = "--line", description = "Only records of this line id.")
  String line;

  @Option(names = "--camera", description = "Only records of this camera id (line/station/camera).")
  String camera;

  @Option(names = "--verdict", description = "Only records with this verdict (OK, NG, UNSURE).")
  String verdict;

  @Option(names = "--item", description = "Only records of this item id.")
  String item;

  @Option(names = "--format", defaultValue = "json",
      description = "json (one object per line) or table (default: ${DEFAULT-VALUE}).")
  Format format;

  @Option(names = "--record",
      description = "Record type of the values (FrameVerdict, RejectCommand, DeadLetter, ...),"
          + " for a topic whose name is not in the catalog.")
  String record;

  @Mixin ClientConfigOption clientConfig = new ClientConfigOption();

  @Mixin RegistryOptions registryOptions = new RegistryOptions();

  @Option(names = "--timeout-s", defaultValue = "30",
      description = "Longest to wait for the brokers to answer (default: ${DEFAULT-VALUE} s).")
  int timeoutSeconds;

  @Override
  public Integer call() throws Exception {
    if (max < 0) {
      throw new ParameterException(spec.commandLine(),
          "Invalid value for option '--max': must be 0 (no limit) or more, got " + max);
    }
    TopicSpec catalogSpec = valueSpec();
    EitherFormatReader<? extends SpecificRecord> serde = new EitherFormatReader<>(
        catalogSpec.valueType(), registryOptions.settingsIfGiven(spec));
    Schema schema = SpecificData.get().getSchema(catalogSpec.valueType());
    TailFilter filter = new TailFilter(line, camera, verdict, item);
    TailTable table = TailTable.forRecord(schema.getName(),
        schema.getFields().stream().map(Schema.Field::name).toList());
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();

    CountDownLatch done = new CountDownLatch(1);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps(),
        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      Thread hook = new Thread(() -> {
        consumer.wakeup();
        awaitQuietly(done);
      }, "clipline-tail-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        List<PartitionInfo> infos;
        try {
          infos = consumer.partitionsFor(topic, Duration.ofSeconds(timeoutSeconds));
        } catch (TimeoutException e) {
          err.printf("clipline tail: no answer from the bootstrap servers %s within %d s%n",
              bootstrapServers, timeoutSeconds);
          return 1;
        }
        if (infos == null || infos.isEmpty()) {
          err.printf("clipline tail: topic %s does not exist on %s%n", topic, bootstrapServers);
          return 1;
        }
        List<TopicPartition> partitions =
            infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        if (follow && !fromBeginning) {
          consumer.seekToEnd(partitions);
        } else {
          consumer.seekToBeginning(partitions);
        }
        // Resolve the positions now: records written from here on are printed when following.
        partitions.forEach(consumer::position);
        Map<TopicPartition, Long> ends = follow ? null : consumer.endOffsets(partitions);
        if (format == Format.table) {
          out.println(table.header());
        }
        long printed = 0;
        while (ends == null
            || partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            if (ends != null && r.offset() >= ends.get(new TopicPartition(topic, r.partition()))) {
              continue;
            }
            if (print(out, r, serde, filter, table) && ++printed == max) {
              out.flush();
              return 0;
            }
          }
          out.flush();
        }
        return 0;
      } catch (WakeupException e) {
        return 0; // Ctrl-C while following
      } finally {
        out.flush();
        done.countDown();
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
          // Already shutting down: the hook is running and waits for this block, which is done.
        }
      }
    }
  }

  /** Prints the record if it passes the filter (or cannot be decoded); whether it printed. */
  private boolean print(PrintWriter out, ConsumerRecord<byte[], byte[]> r,
      EitherFormatReader<? extends SpecificRecord> serde,
      TailFilter filter, TailTable table) throws JsonProcessingException {
    String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
    ObjectNode value = null;
    String error = null;
    try {
      value = r.value() == null ? null : RecordJson.of(serde.read(topic, r.value()));
    } catch (RuntimeException e) {
      error = e.getMessage();
    }
    if (value != null && !filter.matches(value)) {
      return false;
    }
    if (format == Format.table) {
      out.println(error != null ? table.error(r.partition(), r.offset(), key, error)
          : table.row(r.partition(), r.offset(), key, value == null ? JSON.nullNode() : value));
      return true;
    }
    ObjectNode line = JSON.createObjectNode()
        .put("topic", r.topic())
        .put("partition", r.partition())
        .put("offset", r.offset())
        .put("timestamp", Instant.ofEpochMilli(r.timestamp()).toString())
        .put("key", key);
    if (error != null) {
      line.put("error", error);
    } else {
      line.set("value", value == null ? JSON.nullNode() : value);
    }
    out.println(JSON.writeValueAsString(line));
    return true;
  }

  /** The catalog entry whose record type the topic's values hold. */
  private TopicSpec valueSpec() {
    if (record != null) {
      return TopicCatalog.all().stream()
          .filter(t -> t.valueType().getSimpleName().equals(record)).findFirst()
          .orElseThrow(() -> new ParameterException(spec.commandLine(),
              "Invalid value for option '--record': " + record + " is none of "
                  + TopicCatalog.all().stream().map(t -> t.valueType().getSimpleName()).toList()));
    }
    Optional<TopicSpec> exact = TopicCatalog.byName(topic);
    return exact.or(() -> TopicCatalog.all().stream()
            .filter(t -> topic.endsWith(t.name())).findFirst())
        .orElseThrow(() -> new ParameterException(spec.commandLine(),
            "Topic " + topic + " is not in the catalog (" + TopicCatalog.all().stream()
                .map(TopicSpec::name).toList() + "); name its record type with --record"));
  }

  private Map<String, Object> consumerProps() {
    Map<String, Object> props = new HashMap<>(clientConfig.settings(spec));
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
        TopicCatalog.FRAMES_DLQ.maxMessageBytes());
    props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "clipline-tail");
    return props;
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
