package io.clipline.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clipline.schemas.DeadLetter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Exactly once under faults, with real processes: a broker, workers and camera-sim each in a
 * child JVM, faults by signal, and {@code clipline audit} at the end of every run (0 missing,
 * 0 duplicated, 0 orphan, 0 out-of-order verdicts, every frame answered). Each scenario runs
 * {@code clipline.faults.runs} times (1 in {@code mvn verify}, 5 with {@code -Pfaults}), all
 * five unless {@code clipline.faults.scenarios} names some; the measurements go to {@code
 * target/faults/results.tsv}. See docs/RELIABILITY.md.
 */
class FaultScenariosTest {
  private static final Duration READY = Duration.ofSeconds(60);
  private static final Duration DRAIN = Duration.ofSeconds(180);
  private static BrokerChild broker;

  /** A scenario run: what it measured, for the results table. */
  private record Outcome(Map<String, Recovery> recoveries, String note) {}

  @FunctionalInterface
  private interface Scenario {
    Outcome run(FaultLine line) throws Exception;
  }

  @BeforeAll
  static void startBroker() {
    broker = BrokerChild.start(FaultPaths.output().resolve("broker"));
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @TestFactory
  List<DynamicTest> everyScenarioKeepsExactlyOnce() {
    int runs = Integer.getInteger("clipline.faults.runs", 1);
    Map<String, Scenario> scenarios = new LinkedHashMap<>();
    scenarios.put("malformed", FaultScenariosTest::malformedFramesMixedIntoAStream);
    scenarios.put("join-leave", FaultScenariosTest::workerJoinsAndOneLeavesDuringABacklog);
    scenarios.put("worker-kill", FaultScenariosTest::workerKilledAndRestartedWithItsId);
    scenarios.put("zombie", FaultScenariosTest::workerFrozenPastItsSessionThenResumed);
    scenarios.put("broker-kill", FaultScenariosTest::brokerKilledAndRestartedOnItsData);
    String only = System.getProperty("clipline.faults.scenarios", "");
    if (!only.isBlank()) {
      Set<String> chosen = Set.of(only.split(","));
      scenarios.keySet().retainAll(chosen);
      if (scenarios.size() != chosen.size()) {
        throw new IllegalArgumentException("clipline.faults.scenarios=" + only
            + ": each must be one of malformed, join-leave, worker-kill, zombie, broker-kill");
      }
    }
    List<DynamicTest> tests = new ArrayList<>();
    String suite = UUID.randomUUID().toString().substring(0, 6);
    for (int run = 1; run <= runs; run++) {
      for (Map.Entry<String, Scenario> s : scenarios.entrySet()) {
        int r = run;
        String name = s.getKey() + "-" + suite + "-" + r;
        tests.add(DynamicTest.dynamicTest(s.getKey() + " run " + r,
            () -> runAndAudit(s.getKey(), r, name, s.getValue())));
      }
    }
    return tests;
  }

  private static void runAndAudit(String scenario, int run, String name, Scenario body)
      throws Exception {
    broker.ensureRunning();
    try (FaultLine line = new FaultLine(broker, name)) {
      Outcome outcome = body.run(line);
      AuditResult audit = line.audit();
      // The rewind path the invariants guard: how often it ran in this run.
      long aborts = line.workerLogLines("aborted, they will be consumed again");
      FaultResults.record(scenario, run, audit, outcome.recoveries(),
          outcome.note() + "; " + aborts + " aborted transactions");
      assertEquals(0, audit.missing(), "missing\n" + audit.output());
      assertEquals(0, audit.duplicated(), "duplicated\n" + audit.output());
      assertEquals(0, audit.orphans(), "orphan verdicts\n" + audit.output());
      assertEquals(0, audit.outOfOrder(), "out of order\n" + audit.output());
      assertTrue(audit.holds(), audit.output());
      assertEquals(audit.frames(), audit.verdicts() + audit.deadLetters(),
          "one output per frame\n" + audit.output());
    }
  }

  /** (a) {@code kill -9} of the only worker while frames stream; restarted with the same id. */
  private static Outcome workerKilledAndRestartedWithItsId(FaultLine line) {
    FaultLine.Worker worker = line.worker("w1");
    line.awaitReady(worker, READY);
    ChildJvm sim = line.cameraSim(3, 150, 10);
    line.tail().awaitVerdicts(20, READY);
    Instant fault = Instant.now();
    worker.jvm().kill9();
    FaultLine.Worker again = line.worker("w1");
    line.awaitSent(sim, DRAIN);
    line.awaitAllAnswered(DRAIN);
    return new Outcome(Map.of("kill", Recovery.of(line.tail().verdicts(), fault)),
        "restarted pid " + again.jvm().pid());
  }

  /** (b) A zombie: the worker serving the latest frames SIGSTOPped past its session, resumed. */
  private static Outcome workerFrozenPastItsSessionThenResumed(FaultLine line) {
    List<FaultLine.Worker> workers = line.workers("w1", "w2");
    workers.forEach(w -> line.awaitReady(w, READY));
    ChildJvm sim = line.cameraSim(6, 200, 12);
    line.tail().awaitVerdicts(30, READY);
    String latest = line.tail().latestWorker();
    FaultLine.Worker zombie = workers.stream()
        .filter(w -> line.workerId(w.id()).equals(latest)).findFirst()
        .orElseThrow(() -> new AssertionError("no worker wrote " + latest));
    Instant fault = Instant.now();
    zombie.jvm().freeze();
    Duration frozen = FaultLine.SESSION_TIMEOUT.plusSeconds(4);
    FaultClock.sleep(frozen);
    zombie.jvm().resume();
    line.awaitSent(sim, DRAIN);
    line.awaitAllAnswered(DRAIN);
    return new Outcome(Map.of("freeze", Recovery.of(line.tail().verdicts(), fault)),
        zombie.id() + " frozen " + frozen.toSeconds() + " s");
  }

  /** (c) {@code kill -9} of the broker while frames stream, restarted on the same data dir. */
  private static Outcome brokerKilledAndRestartedOnItsData(FaultLine line) {
    FaultLine.Worker worker = line.worker("w1");
    line.awaitReady(worker, READY);
    ChildJvm sim = line.cameraSim(3, 180, 10);
    line.tail().awaitVerdicts(20, READY);
    Instant fault = Instant.now();
    broker.kill9();
    Duration restart = broker.restart();
    line.awaitSent(sim, DRAIN);
    line.awaitAllAnswered(DRAIN);
    return new Outcome(Map.of("broker", Recovery.of(line.tail().verdicts(), fault)),
        String.format(java.util.Locale.ROOT, "broker back in %.1f s", restart.toMillis() / 1e3));
  }

  /**
   * (d) A backlog; a second worker joins while the first drains it, then the first leaves. The
   * cameras stream at a steady rate from before the first worker starts until after the leave,
   * so there is a backlog at the join and frames to serve at the leave. (A burst sent up front
   * could be drained before the leave when the second worker was slow to start, which left the
   * leave nothing to be measured by.)
   */
  private static Outcome workerJoinsAndOneLeavesDuringABacklog(FaultLine line) {
    ChildJvm sim = line.cameraSim(6, 3_000, 15);
    line.awaitPublished(90, READY);
    FaultLine.Worker first = line.worker("w1");
    line.awaitReady(first, READY);
    line.tail().awaitVerdicts(30, READY);
    Instant join = Instant.now();
    FaultLine.Worker second = line.worker("w2");
    line.awaitReady(second, READY);
    long before = line.tail().verdictCount();
    line.tail().awaitVerdicts(before + 20, READY);
    Instant leave = Instant.now();
    int exit = first.jvm().terminate(Duration.ofSeconds(30));
    line.tail().awaitVerdictsScoredAfter(leave, 30, READY);
    line.stopSim(sim);
    line.awaitAllAnswered(DRAIN);
    Map<String, Recovery> recoveries = new LinkedHashMap<>();
    recoveries.put("join", Recovery.of(line.tail().verdicts(), join));
    recoveries.put("leave", Recovery.of(line.tail().verdicts(), leave));
    return new Outcome(recoveries, "w1 stopped by SIGTERM, exit " + exit);
  }

  /**
   * (e) More than 1 000 malformed records of 15 kinds mixed into a camera stream: each is dead
   * lettered once with its reason, and the good frames are all judged.
   */
  private static Outcome malformedFramesMixedIntoAStream(FaultLine line) throws Exception {
    FaultLine.Worker worker = line.worker("w1",
        Map.of("frame.max.bytes", Integer.toString(MalformedFrames.FRAME_MAX_BYTES)));
    line.awaitReady(worker, READY);
    Map<String, Supplier<byte[]>> kinds = MalformedFrames.kinds();
    int each = (1_000 + kinds.size() - 1) / kinds.size();
    ChildJvm sim = line.cameraSim(3, 90, 15);
    int sent = 0;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, line.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < each; i++) {
        for (Supplier<byte[]> kind : kinds.values()) {
          byte[] key = ("bad-" + sent).getBytes(StandardCharsets.UTF_8);
          producer.send(new ProducerRecord<>(line.topics().frames(), key, kind.get()));
          sent++;
        }
        producer.flush();
        FaultClock.sleep(Duration.ofMillis(60)); // spread over the camera stream
      }
    }
    line.awaitSent(sim, DRAIN);
    line.awaitAllAnswered(DRAIN);
    List<DeadLetter> letters = line.tail().deadLetters();
    Map<String, Long> byReason = letters.stream().collect(
        Collectors.groupingBy(DeadLetter::getReasonCode, TreeMap::new, Collectors.counting()));
    Map<String, Long> expected = new TreeMap<>();
    kinds.keySet().forEach(k -> expected.put(k, (long) each));
    assertEquals(expected, byReason, "dead letters by reason");
    Set<String> offsets = new HashSet<>();
    for (DeadLetter letter : letters) {
      assertTrue(offsets.add(letter.getOriginalPartition() + "@" + letter.getOriginalOffset()),
          "one dead letter per offset: " + letter.getOriginalPartition() + "@"
              + letter.getOriginalOffset());
      assertTrue(!letter.getReason().isBlank(), "a reason for people: " + letter.getReasonCode());
    }
    return new Outcome(Map.of(), sent + " malformed of " + kinds.size() + " kinds");
  }
}
