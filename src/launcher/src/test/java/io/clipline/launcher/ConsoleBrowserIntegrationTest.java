package io.clipline.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.clipline.camera.CameraSimulator;
import io.clipline.camera.SimulationSummary;
import io.clipline.camera.SimulatorSettings;
import io.clipline.console.ConsoleConfig;
import io.clipline.console.OperatorConsole;
import io.clipline.pipeline.LineLayout;
import io.clipline.pipeline.PipelineConfig;
import io.clipline.schemas.FrameEncoding;
import io.clipline.schemas.FrameVerdict;
import io.clipline.schemas.LabelAction;
import io.clipline.schemas.OperatorLabel;
import io.clipline.schemas.Verdict;
import io.clipline.schemas.serde.AvroSerde;
import io.clipline.schemas.topic.TopicCatalog;
import io.clipline.testkit.KafkaCluster;
import io.clipline.testkit.KafkaClusterTest;
import io.clipline.worker.WorkerConfig;
import io.clipline.worker.WorkerListener;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The operator console in headless Chromium (Debian's {@code chromium} and {@code
 * chromium-driver}, which {@code .ci/run} installs) on a real broker, with the worker on the
 * default model scoring simulated defects and the pipeline running: the page shows an NG frame
 * with its heatmap and region a few seconds after its verdict is committed; "Override to OK",
 * clicked twice, writes one label and moves the worker's label counter; a drawn box with a type
 * becomes a few-shot example (the worker counts it applied); the UNSURE queue takes a label from
 * the keyboard. Saves a screenshot to target/console.png, and to docs/console.png with {@code
 * -Dclipline.screenshot.docs=true}.
 */
class ConsoleBrowserIntegrationTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  /** How long after its verdict is committed the page must show an NG frame. */
  private static final Duration SHOWN_WITHIN = Duration.ofSeconds(5);

  @KafkaClusterTest
  void shouldShowNgFramesAndWriteOneLabelPerClickWhenTheLineRuns(KafkaCluster cluster)
      throws Exception {
    assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "console browser test skipped: needs Debian's chromium and chromium-driver"
            + " (apt-get install chromium chromium-driver; .ci/run installs them)");
    Map<String, String> topics = cluster.createIsolatedTopics("browser", List.of(
        TopicCatalog.FRAMES, TopicCatalog.VERDICTS, TopicCatalog.DEFECTS, TopicCatalog.ITEMS,
        TopicCatalog.REJECTS, TopicCatalog.LINE_STATS, TopicCatalog.ALERTS, TopicCatalog.LABELS,
        TopicCatalog.FRAMES_DLQ));
    Path stateDir = Files.createTempDirectory("clipline-browser-");
    SimulatorSettings camera = SimulatorSettings.builder(cluster.bootstrapServers())
        .topic(topics.get(TopicCatalog.FRAMES.name())).lines(1).camerasPerLine(1)
        .framesPerSecond(6).frameCount(240).defectRate(0.3).encoding(FrameEncoding.JPEG)
        .size(320, 240).seed(14).build();
    try (WorkerProcess worker = new WorkerProcess(workerConfig(cluster, topics),
            new WorkerListener() {});
        CameraSimulator simulator = new CameraSimulator(camera);
        PipelineProcess pipeline = new PipelineProcess(
            pipelineConfig(cluster, topics, stateDir), line(simulator.cameraIds().get(0)));
        OperatorConsole console = OperatorConsole.start(
            consoleConfig(cluster, topics, worker.metricsUri().resolve("/metrics").toString()))) {
      worker.start();
      pipeline.start();
      ChromeDriver browser = browser();
      try {
        browser.get(console.uri().toString());
        browser.findElement(By.id("operator")).sendKeys("ana\t");
        CompletableFuture<SimulationSummary> sending = simulator.start();
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));

        // 1. An NG frame with a region, on the page within seconds of its committed verdict.
        FrameVerdict ng = firstCommittedNgWithRegion(cluster, topics, Duration.ofSeconds(120));
        long committedAt = System.nanoTime();
        String card = "#feed .card[data-frame-id='" + ng.getFrameId() + "']";
        new WebDriverWait(browser, SHOWN_WITHIN).until(d -> !d.findElements(By.cssSelector(
            card + "[data-image-loaded='true'] svg rect.region")).isEmpty());
        double shownAfter = (System.nanoTime() - committedAt) / 1e9;
        Object heatPixels = browser.executeScript("const c = document.querySelector(arguments[0]"
            + " + ' canvas.heatmap'); if (!c) return -1; const d = c.getContext('2d')"
            + ".getImageData(0, 0, c.width, c.height).data; let n = 0;"
            + " for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n;", card);
        assertTrue(((Number) heatPixels).intValue() > 0,
            "the heatmap overlay of " + ng.getFrameId() + " has coloured cells: " + heatPixels);
        System.out.printf("[console-browser] NG frame %s shown %.2f s after its verdict was"
            + " readable%n", ng.getFrameId(), shownAfter);

        // 2. "Override to OK", double-clicked: one label, and the worker counts one more.
        long before = workerLabelTotal(browser);
        browser.executeScript("document.querySelector(arguments[0]).scrollIntoView("
            + "{block: 'center'})", card);
        new Actions(browser).doubleClick(browser.findElement(By.cssSelector(
            card + " button[data-action='override_ok']"))).perform();
        wait.until(d -> workerLabelTotal(browser) == before + 1);
        List<OperatorLabel> labels = awaitLabels(cluster, topics, 1);
        assertEquals(1, labels.size(), "labels after a double click: " + labels);
        assertEquals(ng.getFrameId(), labels.get(0).getFrameId());
        assertEquals(Verdict.OK, labels.get(0).getConfirmedVerdict());
        assertEquals("ana", labels.get(0).getOperator());

        // 3. A box drawn with a type: one ANNOTATE label, applied as a few-shot example.
        long appliedBefore = workerLabelCount(browser, "applied");
        WebElement view = browser.findElement(By.cssSelector(card + " .view svg"));
        browser.executeScript("document.querySelector(arguments[0]).scrollIntoView("
            + "{block: 'center'})", card);
        browser.findElement(By.cssSelector(card + " button[data-action='draw_box']")).click();
        new Actions(browser).moveToElement(view, -40, -30).clickAndHold().moveByOffset(50, 40)
            .release().perform();
        wait.withMessage(() -> "the box form did not open; toast: "
            + browser.findElement(By.id("toast")).getText() + "; card: "
            + browser.findElement(By.cssSelector(card)).getAttribute("outerHTML"))
            .until(d -> d.findElement(By.cssSelector(card + " input[name='defect-type']"))
                .isDisplayed());
        browser.findElement(By.cssSelector(card + " input[name='defect-type']"))
            .sendKeys("scratch");
        browser.findElement(By.cssSelector(card + " button[data-action='save_box']")).click();
        wait.until(d -> workerLabelCount(browser, "applied") == appliedBefore + 1);
        labels = awaitLabels(cluster, topics, 2);
        OperatorLabel region = labels.get(1);
        assertEquals(LabelAction.ANNOTATE, region.getAction());
        assertEquals("scratch", region.getDefectType());
        assertTrue(region.getRegion().getWidth() > 10 && region.getRegion().getHeight() > 10,
            "the drawn box in frame pixels: " + region.getRegion());

        // 4. The UNSURE queue from the keyboard: j moves, o overrides the selected frame to OK.
        wait.until(d -> d.findElements(By.cssSelector("#queue .card")).size() >= 2);
        String second = browser.findElements(By.cssSelector("#queue .card")).get(1)
            .getAttribute("data-frame-id");
        browser.executeScript("document.activeElement.blur()");
        new Actions(browser).sendKeys("j").sendKeys("o").perform();
        labels = awaitLabels(cluster, topics, 3);
        assertEquals(second, labels.get(2).getFrameId(), "the label went to the selected frame");
        assertEquals(Verdict.OK, labels.get(2).getConfirmedVerdict());

        wait.until(d -> !d.findElements(By.cssSelector("#lines .line")).isEmpty());
        screenshot(browser);
        simulator.stop();
        sending.join();
      } finally {
        browser.quit();
      }
    } finally {
      deleteRecursively(stateDir);
    }
  }

  private static ChromeDriver browser() throws Exception {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--window-size=1280,1000",
        "--user-data-dir=" + Files.createTempDirectory("clipline-chromium-"));
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
    return new ChromeDriver(service, options);
  }

  private static long workerLabelTotal(ChromeDriver browser) {
    return Long.parseLong(browser.findElement(By.id("worker-labels")).getAttribute("data-total"));
  }

  private static long workerLabelCount(ChromeDriver browser, String outcome) {
    String value = browser.findElement(By.id("worker-labels")).getAttribute("data-" + outcome);
    return value == null ? 0 : Long.parseLong(value);
  }

  /** The page from its top, scaled to two thirds so the PNG stays small for docs/. */
  private static void screenshot(ChromeDriver browser) throws Exception {
    browser.executeScript("window.scrollTo(0, 0)");
    BufferedImage shot = ImageIO.read(new ByteArrayInputStream(
        browser.getScreenshotAs(OutputType.BYTES)));
    int width = shot.getWidth() * 2 / 3;
    int height = shot.getHeight() * 2 / 3;
    BufferedImage small = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = small.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(shot, 0, 0, width, height, null);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(small, "png", out);
    byte[] png = out.toByteArray();
    Path target = Path.of("target", "console.png");
    Files.write(target, png);
    if (Boolean.getBoolean("clipline.screenshot.docs")) {
      Path docs = Path.of("../../docs/console.png");
      Files.write(docs, png);
      System.out.println("[console-browser] screenshot written to " + docs.toAbsolutePath());
    }
  }

  /** The first NG verdict with a region that a read_committed reader sees. */
  private static FrameVerdict firstCommittedNgWithRegion(KafkaCluster cluster,
      Map<String, String> topics, Duration timeout) {
    AvroSerde<FrameVerdict> serde = AvroSerde.of(FrameVerdict.class);
    String topic = topics.get(TopicCatalog.VERDICTS.name());
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(cluster, topic)) {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          FrameVerdict v = serde.decode(r.value());
          if (v.getVerdict() == Verdict.NG && v.getRegionCount() > 0) {
            return v;
          }
        }
      }
    }
    throw new AssertionError("no NG verdict with a region within " + timeout);
  }

  /** The labels topic's records once it holds {@code count}, and a second more. */
  private static List<OperatorLabel> awaitLabels(KafkaCluster cluster, Map<String, String> topics,
      int count) throws InterruptedException {
    AvroSerde<OperatorLabel> serde = AvroSerde.of(OperatorLabel.class);
    List<OperatorLabel> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        consumer(cluster, topics.get(TopicCatalog.LABELS.name()))) {
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      long settle = Long.MAX_VALUE;
      while (System.nanoTime() < Math.min(deadline, settle)) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          out.add(serde.decode(r.value()));
        }
        if (out.size() >= count && settle == Long.MAX_VALUE) {
          settle = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        }
      }
    }
    out.sort((a, b) -> a.getLabelTime().compareTo(b.getLabelTime()));
    assertEquals(count, out.size(), "labels on the topic: " + out);
    return out;
  }

  private static KafkaConsumer<byte[], byte[]> consumer(KafkaCluster cluster, String topic) {
    KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
        new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
        .map(p -> new TopicPartition(topic, p.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return consumer;
  }

  private static WorkerConfig workerConfig(KafkaCluster cluster, Map<String, String> topics) {
    Map<String, Object> props = new HashMap<>();
    props.put(WorkerConfig.BOOTSTRAP_SERVERS, cluster.bootstrapServers());
    props.put(WorkerConfig.GROUP_ID, "browser-" + UUID.randomUUID());
    props.put(WorkerConfig.WORKER_ID, "browser-worker");
    props.put(WorkerConfig.FRAMES_TOPIC, topics.get(TopicCatalog.FRAMES.name()));
    props.put(WorkerConfig.VERDICTS_TOPIC, topics.get(TopicCatalog.VERDICTS.name()));
    props.put(WorkerConfig.DEFECTS_TOPIC, topics.get(TopicCatalog.DEFECTS.name()));
    props.put(WorkerConfig.DLQ_TOPIC, topics.get(TopicCatalog.FRAMES_DLQ.name()));
    props.put(WorkerConfig.LABELS_TOPIC, topics.get(TopicCatalog.LABELS.name()));
    props.put(WorkerConfig.LABELS_CACHE_FRAMES, 300);
    props.put(WorkerConfig.SCORER_STATE_TOPIC, "clipline.browser.no-state");
    props.put(WorkerConfig.MODEL_DIR, model().toString());
    props.put(WorkerConfig.EXECUTION_PROVIDER, "CPU");
    props.put(WorkerConfig.METRICS_PORT, 0);
    return new WorkerConfig(props);
  }

  private static PipelineConfig pipelineConfig(KafkaCluster cluster, Map<String, String> topics,
      Path stateDir) {
    Map<String, Object> props = new HashMap<>();
    props.put(PipelineConfig.BOOTSTRAP_SERVERS, cluster.bootstrapServers());
    props.put(PipelineConfig.APPLICATION_ID, "browser-" + UUID.randomUUID());
    props.put(PipelineConfig.STATE_DIR, stateDir.toString());
    props.put(PipelineConfig.METRICS_PORT, 0);
    props.put(PipelineConfig.VERDICTS_TOPIC, topics.get(TopicCatalog.VERDICTS.name()));
    props.put(PipelineConfig.DEFECTS_TOPIC, topics.get(TopicCatalog.DEFECTS.name()));
    props.put(PipelineConfig.ITEMS_TOPIC, topics.get(TopicCatalog.ITEMS.name()));
    props.put(PipelineConfig.REJECTS_TOPIC, topics.get(TopicCatalog.REJECTS.name()));
    props.put(PipelineConfig.LINE_STATS_TOPIC, topics.get(TopicCatalog.LINE_STATS.name()));
    props.put(PipelineConfig.ALERTS_TOPIC, topics.get(TopicCatalog.ALERTS.name()));
    props.put(PipelineConfig.DLQ_TOPIC, topics.get(TopicCatalog.FRAMES_DLQ.name()));
    props.put(PipelineConfig.STATS_WINDOW_MS, 5_000L);
    props.put(PipelineConfig.STATS_GRACE_MS, 1_000L);
    return new PipelineConfig(props);
  }

  private static LineLayout line(String cameraId) {
    String[] parts = cameraId.split("/");
    return new LineLayout(List.of(new LineLayout.Line(parts[0], false, List.of(
        new LineLayout.Station(parts[1], "gate-" + parts[1], 5_000,
            List.of(new LineLayout.Camera(cameraId, 170, true)))))));
  }

  private static ConsoleConfig consoleConfig(KafkaCluster cluster, Map<String, String> topics,
      String workerMetrics) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsoleConfig.BOOTSTRAP_SERVERS, cluster.bootstrapServers());
    props.put(ConsoleConfig.HTTP_PORT, 0);
    props.put(ConsoleConfig.WORKER_METRICS_URLS, workerMetrics);
    props.put(ConsoleConfig.VERDICTS_TOPIC, topics.get(TopicCatalog.VERDICTS.name()));
    props.put(ConsoleConfig.DEFECTS_TOPIC, topics.get(TopicCatalog.DEFECTS.name()));
    props.put(ConsoleConfig.REJECTS_TOPIC, topics.get(TopicCatalog.REJECTS.name()));
    props.put(ConsoleConfig.LINE_STATS_TOPIC, topics.get(TopicCatalog.LINE_STATS.name()));
    props.put(ConsoleConfig.ALERTS_TOPIC, topics.get(TopicCatalog.ALERTS.name()));
    props.put(ConsoleConfig.LABELS_TOPIC, topics.get(TopicCatalog.LABELS.name()));
    return new ConsoleConfig(props);
  }

  /** The default model, found from the module (Maven) or the repository root. */
  private static Path model() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("src/models/imagenet-mnv2");
      if (Files.isRegularFile(candidate.resolve("clipline-model.json"))) {
        return candidate;
      }
    }
    throw new AssertionError("src/models/imagenet-mnv2 not found above " + Path.of("")
        .toAbsolutePath());
  }

  private static void deleteRecursively(Path dir) throws Exception {
    try (var paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    }
  }
}
