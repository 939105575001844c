package io.clipline.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.clipline.schemas.Verdict;
import io.clipline.testkit.KafkaCluster;
import io.clipline.testkit.KafkaClusterTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page under a burst far above the demo's frame rate, in headless Chromium (Debian's
 * {@code chromium} and {@code chromium-driver}; skipped with a message without them): the DOM
 * keeps at most 60 feed and 40 queue cards, newest first, the page answers at once, and the
 * heatmap and region overlays toggle. The line with the real worker is {@code
 * ConsoleBrowserIntegrationTest} in src/launcher.
 */
class ConsolePageBrowserTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  /**
   * Frames of the burst: more than the page keeps (60 feed, 40 queue cards), and with their
   * region updates (two events a frame) within the server's 512 events per page, so that the
   * burst tests the page, not its reconnect (a clean CI run once fell behind a 300-frame burst
   * and had not caught up from its snapshot within 20 s).
   */
  private static final int FRAMES = 200;

  @KafkaClusterTest
  void shouldKeepTheDomBoundedAndToggleOverlaysWhenFramesPourIn(KafkaCluster cluster)
      throws Exception {
    assumeChromium();
    Map<String, String> topics = ConsoleFixtures.topics(cluster, "console-page");
    ChromeDriver browser = browser();
    try (OperatorConsole console =
            OperatorConsole.start(ConsoleFixtures.config(cluster, topics, Map.of()));
        KafkaProducer<byte[], byte[]> producer = ConsoleFixtures.producer(cluster)) {
      browser.get(console.uri().toString());
      new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> "live".equals(
          d.findElement(By.id("connection")).getText()));

      long start = System.nanoTime();
      ConsoleFixtures.publishFrames(producer, topics,
          IntStream.range(0, FRAMES).mapToObj(i -> "f-" + i).toList(),
          id -> Integer.parseInt(id.substring(2)) % 3 == 0 ? Verdict.UNSURE : Verdict.NG);
      producer.flush();
      double sendSeconds = (System.nanoTime() - start) / 1e9;
      String last = "f-" + (FRAMES - 1);
      // Newest first, also when the page fell behind the burst and caught up from a snapshot.
      String secondLast = "f-" + (FRAMES - 2);
      // The feed's top in one script call (the page re-renders cards as their regions come).
      String top = "return [...document.querySelectorAll('#feed .card')].slice(0, 2)"
          + ".map(c => c.dataset.frameId + (c.querySelector('svg rect.region') ? '+region' : ''))"
          + ".join(' ')";
      String wanted = last + "+region " + secondLast;
      new WebDriverWait(browser, Duration.ofSeconds(30))
          .withMessage(() -> "the feed's top: " + browser.executeScript(top) + ", connection "
              + browser.findElement(By.id("connection")).getText())
          .until(d -> ((String) browser.executeScript(top)).startsWith(wanted));
      double shownSeconds = (System.nanoTime() - start) / 1e9;

      long pingStart = System.nanoTime();
      browser.executeScript("return document.querySelectorAll('.card').length");
      double pingMs = (System.nanoTime() - pingStart) / 1e6;
      List<WebElement> feed = browser.findElements(By.cssSelector("#feed .card"));
      List<WebElement> queue = browser.findElements(By.cssSelector("#queue .card"));
      Object heap = browser.executeScript(
          "return performance.memory ? performance.memory.usedJSHeapSize : -1");
      System.out.printf("[console-page] %d frames sent in %.1f s (%.0f/s), newest on the page"
          + " after %.1f s; %d feed and %d queue cards; a script round trip %.0f ms; JS heap"
          + " %.1f MB%n", FRAMES, sendSeconds, FRAMES / sendSeconds, shownSeconds, feed.size(),
          queue.size(), pingMs, ((Number) heap).doubleValue() / 1e6);

      assertEquals(60, feed.size(), "feed cards in the DOM");
      assertEquals(40, queue.size(), "queue cards in the DOM");
      assertEquals(secondLast, feed.get(1).getAttribute("data-frame-id"), "newest first");
      assertTrue(pingMs < 1_000, "the page answers a script within a second: " + pingMs + " ms");

      String overlay = "#feed .card[data-frame-id='" + last + "'] ";
      WebElement heatmap = browser.findElement(By.cssSelector(overlay + "canvas.heatmap"));
      WebElement region = browser.findElement(By.cssSelector(overlay + "svg rect.region"));
      assertTrue(heatmap.isDisplayed() && region.isDisplayed(), "overlays shown by default");
      browser.findElement(By.id("show-heatmap")).click();
      browser.findElement(By.id("show-regions")).click();
      assertTrue(!heatmap.isDisplayed() && !region.isDisplayed(), "both overlays toggle off");
    } finally {
      browser.quit();
    }
  }

  @KafkaClusterTest
  void shouldHoldNewCardsWhileThePointerIsOverTheFeedSoNoButtonMovesUnderIt(KafkaCluster cluster)
      throws Exception {
    assumeChromium();
    Map<String, String> topics = ConsoleFixtures.topics(cluster, "console-hold");
    ChromeDriver browser = browser();
    try (OperatorConsole console =
            OperatorConsole.start(ConsoleFixtures.config(cluster, topics, Map.of()));
        KafkaProducer<byte[], byte[]> producer = ConsoleFixtures.producer(cluster)) {
      browser.get(console.uri().toString());
      WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
      wait.until(d -> "live".equals(d.findElement(By.id("connection")).getText()));
      String top = "return [...document.querySelectorAll('#feed .card')]"
          + ".map(c => c.dataset.frameId).join(' ')";
      ConsoleFixtures.publishFrames(producer, topics, List.of("a-1", "a-2"), id -> Verdict.NG);
      wait.until(d -> "a-2 a-1".equals(browser.executeScript(top)));
      // Settled: both images loaded and both region updates drawn, so the cards keep their size.
      wait.until(d -> d.findElements(By.cssSelector(
          "#feed .card[data-image-loaded='true'] svg rect.region")).size() == 2);
      WebElement button = browser.findElement(
          By.cssSelector("#feed .card[data-frame-id='a-1'] button[data-action='override_ok']"));
      org.openqa.selenium.Point before = button.getLocation();

      new Actions(browser).moveToElement(button).perform();
      ConsoleFixtures.publishFrames(producer, topics, List.of("b-1", "b-2"), id -> Verdict.NG);
      String held = "const h = document.getElementById('feed-held');"
          + " return h.hidden ? '' : h.textContent";
      wait.withMessage(() -> "feed " + browser.executeScript(top) + ", held '"
              + browser.executeScript(held) + "'")
          .until(d -> ((String) browser.executeScript(held)).startsWith("2 new"));

      assertEquals("a-2 a-1", browser.executeScript(top), "no card enters under the pointer");
      assertEquals(before, button.getLocation(), "the button the pointer is on stayed put");
      new Actions(browser).moveToElement(browser.findElement(By.tagName("h1"))).perform();
      wait.until(d -> "b-2 b-1 a-2 a-1".equals(browser.executeScript(top)));
      assertEquals("", browser.executeScript(held), "the count of held cards goes once shown");
    } finally {
      browser.quit();
    }
  }

  private static void assumeChromium() {
    assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "console page test skipped: needs Debian's chromium and chromium-driver"
            + " (apt-get install chromium chromium-driver; .ci/run installs them)");
  }

  private static ChromeDriver browser() throws Exception {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--window-size=1280,900", "--enable-precise-memory-info",
        "--user-data-dir=" + Files.createTempDirectory("clipline-chromium-"));
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
    return new ChromeDriver(service, options);
  }
}
