package io.clipline.worker.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Fetches claim-check images ({@code file://}, {@code http://}, {@code https://}) with a timeout
 * and a size cap, so a slow or huge object cannot stall or exhaust the worker.
 */
public final class ClaimCheckFetcher {
  private final Duration timeout;
  private final int maxBytes;
  private final HttpClient http;

  public ClaimCheckFetcher(Duration timeout, int maxBytes) {
    this.timeout = timeout;
    this.maxBytes = maxBytes;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
  }

  /**
   * Returns the object's bytes.
   *
   * @throws FrameRejectedException with stage FETCH when the object cannot be had
   */
  public byte[] fetch(String uri) {
    URI parsed;
    try {
      parsed = URI.create(uri);
    } catch (IllegalArgumentException e) {
      throw fail("fetch.bad_uri", "imageUri is not a valid URI: " + uri, e);
    }
    String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase();
    switch (scheme) {
      case "file":
        return fetchFile(parsed);
      case "http":
      case "https":
        return fetchHttp(parsed);
      default:
        throw fail("fetch.unsupported_scheme",
            "imageUri scheme must be file, http or https, got '" + scheme + "' in " + uri, null);
    }
  }

  private byte[] fetchFile(URI uri) {
    Path path = Path.of(uri);
    try {
      long size = Files.size(path);
      if (size > maxBytes) {
        throw fail("fetch.too_large",
            uri + " holds " + size + " bytes, more than claimcheck.max.bytes=" + maxBytes, null);
      }
      return Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw fail("fetch.not_found", "no file at " + uri, e);
    } catch (IOException e) {
      throw fail("fetch.unreachable", "cannot read " + uri + ": " + e.getMessage(), e);
    }
  }

  private byte[] fetchHttp(URI uri) {
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
    try {
      HttpResponse<InputStream> response =
          http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream body = response.body()) {
        if (response.statusCode() != 200) {
          throw fail("fetch.http_status",
              "GET " + uri + " answered HTTP " + response.statusCode(), null);
        }
        byte[] bytes = body.readNBytes(maxBytes + 1);
        if (bytes.length > maxBytes) {
          throw fail("fetch.too_large",
              "GET " + uri + " returned more than claimcheck.max.bytes=" + maxBytes, null);
        }
        return bytes;
      }
    } catch (HttpTimeoutException e) {
      throw fail("fetch.timeout", "GET " + uri + " timed out after " + timeout.toMillis() + " ms", e);
    } catch (IOException e) {
      throw fail("fetch.unreachable", "GET " + uri + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw fail("fetch.interrupted", "interrupted while fetching " + uri, e);
    }
  }

  private static FrameRejectedException fail(String code, String message, Throwable cause) {
    return new FrameRejectedException(FrameRejectedException.Stage.FETCH, code, message, cause);
  }
}
