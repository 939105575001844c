package io.clipline.console.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.clipline.schemas.Alert;
import io.clipline.schemas.LineStats;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's HTTP routes on the JDK's server.
 *
 * <ul>
 *   <li>{@code GET /} and {@code GET /static/NAME}: the page, its script and style, from the jar;
 *   <li>{@code GET /api/snapshot}: the window's cards (newest first), line statistics, open
 *       alerts, the workers' label counters and whether writing labels needs the token;
 *   <li>{@code GET /api/events}: server-sent events {@code card}, {@code stats}, {@code alert},
 *       {@code labels} (worker counters) and {@code label} (a label written here);
 *   <li>{@code GET /api/frames/FRAME_ID}: the image of a frame in the window;
 *   <li>{@code POST /api/labels}: one label (JSON {@link LabelWriter.LabelRequest}); needs {@code
 *       Content-Type: application/json}, a same-origin {@code Origin} when the browser sends one
 *       (so another site cannot post labels through an operator's browser) and, when a token is
 *       configured, header {@value #TOKEN_HEADER}.
 * </ul>
 */
public final class ConsoleRoutes {
  public static final String TOKEN_HEADER = "X-Clipline-Token";
  private static final Logger LOG = LoggerFactory.getLogger(ConsoleRoutes.class);
  private static final String WEB = "/io/clipline/console/web/";
  private static final Map<String, String> STATIC = Map.of(
      "index.html", "text/html; charset=utf-8",
      "console.js", "text/javascript; charset=utf-8",
      "console.css", "text/css; charset=utf-8");
  private static final long KEEP_ALIVE_MS = 15_000;
  private static final int MAX_LABEL_BYTES = 16 * 1024;

  private final RecentFrames frames;
  private final LineBoard board;
  private final EventHub hub;
  private final FrameImages images;
  private final LabelWriter labels;
  private final WorkerLabelCounters workerLabels;
  private final byte[] token;
  private final ObjectMapper json = JsonViews.mapper();

  public ConsoleRoutes(RecentFrames frames, LineBoard board, EventHub hub, FrameImages images,
      LabelWriter labels, WorkerLabelCounters workerLabels, String token) {
    this.frames = frames;
    this.board = board;
    this.hub = hub;
    this.images = images;
    this.labels = labels;
    this.workerLabels = workerLabels;
    this.token = token.getBytes(StandardCharsets.UTF_8);
  }

  /** Registers every route on {@code server}. */
  public void register(HttpServer server) {
    server.createContext("/", exchange -> guard(exchange, this::page));
    server.createContext("/api/snapshot", exchange -> guard(exchange, this::snapshot));
    server.createContext("/api/events", exchange -> guard(exchange, this::events));
    server.createContext("/api/frames/", exchange -> guard(exchange, this::frame));
    server.createContext("/api/labels", exchange -> guard(exchange, this::label));
  }

  private interface Route {
    void handle(HttpExchange exchange) throws IOException;
  }

  private static void guard(HttpExchange exchange, Route route) {
    try (exchange) {
      route.handle(exchange);
    } catch (IOException e) {
      LOG.debug("console: {} {} ended: {}", exchange.getRequestMethod(),
          exchange.getRequestURI(), e.toString());
    } catch (RuntimeException e) {
      LOG.warn("console: {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
      try {
        send(exchange, 500, "text/plain; charset=utf-8",
            ("internal error: " + e).getBytes(StandardCharsets.UTF_8));
      } catch (IOException | RuntimeException ignored) {
        // The response may have started already; nothing more can be said.
      }
    }
  }

  private void page(HttpExchange exchange) throws IOException {
    if (!"GET".equals(exchange.getRequestMethod())) {
      sendText(exchange, 405, "GET only");
      return;
    }
    String path = exchange.getRequestURI().getPath();
    String name = "/".equals(path) ? "index.html"
        : path.startsWith("/static/") ? path.substring("/static/".length()) : "";
    String type = STATIC.get(name);
    if (type == null) {
      sendText(exchange, 404, "no such page: " + path);
      return;
    }
    try (InputStream in = ConsoleRoutes.class.getResourceAsStream(WEB + name)) {
      if (in == null) {
        throw new IllegalStateException("resource " + WEB + name + " missing from the jar");
      }
      exchange.getResponseHeaders().set("Cache-Control", "no-cache");
      send(exchange, 200, type, in.readAllBytes());
    }
  }

  private void snapshot(HttpExchange exchange) throws IOException {
    ObjectNode out = json.createObjectNode();
    ArrayNode cards = out.putArray("cards");
    frames.newestFirst().forEach(c -> cards.add(JsonViews.card(c)));
    ArrayNode lines = out.putArray("lines");
    for (LineStats s : board.lines()) {
      lines.add(JsonViews.stats(s));
    }
    ArrayNode alerts = out.putArray("alerts");
    for (Alert a : board.openAlerts()) {
      alerts.add(JsonViews.alert(a));
    }
    out.set("workerLabels", workerLabels.enabled() ? json.valueToTree(workerLabels.current())
        : null);
    out.put("tokenRequired", token.length > 0);
    out.put("windowFrames", frames.capacity());
    sendJson(exchange, 200, out);
  }

  private void events(HttpExchange exchange) throws IOException {
    Optional<EventHub.Stream> opened = hub.open();
    if (opened.isEmpty()) {
      sendText(exchange, 503, "too many open pages");
      return;
    }
    try (EventHub.Stream stream = opened.get()) {
      exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
      exchange.getResponseHeaders().set("Cache-Control", "no-cache");
      exchange.sendResponseHeaders(200, 0);
      OutputStream out = exchange.getResponseBody();
      out.write(": connected\n\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
      while (true) {
        Optional<EventHub.Event> event = stream.next(KEEP_ALIVE_MS);
        out.write(event.map(EventHub.Event::wire).orElse(": keep-alive\n\n")
            .getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IllegalStateException e) {
      LOG.info("console: closing an event stream: {}", e.getMessage());
    }
  }

  private void frame(HttpExchange exchange) throws IOException {
    String frameId = exchange.getRequestURI().getPath().substring("/api/frames/".length());
    Optional<FrameCard> card = frames.get(frameId);
    if (card.isEmpty() || card.get().verdict().getFramePosition() == null) {
      sendText(exchange, 404, "frame " + frameId + " is not in the console's window");
      return;
    }
    try {
      FrameImages.Image image =
          images.fetch(frameId, card.get().verdict().getFramePosition());
      exchange.getResponseHeaders().set("Cache-Control", "max-age=3600");
      send(exchange, 200, image.contentType(), image.bytes());
    } catch (FrameImages.FrameImageException e) {
      sendText(exchange, 502, "frame " + frameId + ": " + e.getMessage());
    }
  }

  private void label(HttpExchange exchange) throws IOException {
    if (!"POST".equals(exchange.getRequestMethod())) {
      sendText(exchange, 405, "POST only");
      return;
    }
    String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
    if (contentType == null || !contentType.startsWith("application/json")) {
      sendText(exchange, 415, "labels are JSON (Content-Type: application/json)");
      return;
    }
    String origin = exchange.getRequestHeaders().getFirst("Origin");
    String host = exchange.getRequestHeaders().getFirst("Host");
    if (origin != null && !origin.equals("http://" + host) && !origin.equals("https://" + host)) {
      sendText(exchange, 403, "labels are accepted from the console's own page only");
      return;
    }
    if (token.length > 0) {
      String given = exchange.getRequestHeaders().getFirst(TOKEN_HEADER);
      if (given == null
          || !MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8))) {
        sendText(exchange, 401, "writing labels needs the console's token");
        return;
      }
    }
    byte[] body = exchange.getRequestBody().readNBytes(MAX_LABEL_BYTES + 1);
    if (body.length > MAX_LABEL_BYTES) {
      sendText(exchange, 413, "a label is at most " + MAX_LABEL_BYTES + " bytes");
      return;
    }
    LabelWriter.LabelRequest request;
    try {
      request = json.readValue(body, LabelWriter.LabelRequest.class);
    } catch (JsonProcessingException e) {
      sendText(exchange, 400, "not a label: " + e.getOriginalMessage());
      return;
    }
    Optional<FrameCard> card =
        request.frameId() == null ? Optional.empty() : frames.get(request.frameId());
    if (card.isEmpty()) {
      sendText(exchange, 404, "frame " + request.frameId() + " is not in the console's window");
      return;
    }
    LabelWriter.Written written;
    try {
      written = labels.write(request, card.get().verdict());
    } catch (LabelWriter.BadLabelException e) {
      sendText(exchange, 400, e.getMessage());
      return;
    }
    ObjectNode out = json.valueToTree(written);
    out.put("frameId", request.frameId());
    if (!written.duplicate()) {
      frames.addLabel(request.frameId(), written.summary())
          .ifPresent(c -> hub.publish("card", JsonViews.card(c).toString()));
      hub.publish("label", out.toString());
    }
    sendJson(exchange, 200, out);
  }

  private void sendJson(HttpExchange exchange, int status, Object body) throws IOException {
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    send(exchange, status, "application/json", json.writeValueAsBytes(body));
  }

  private static void sendText(HttpExchange exchange, int status, String text)
      throws IOException {
    send(exchange, status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      exchange.getResponseBody().write(body);
    }
  }
}
