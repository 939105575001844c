package io.clipline.eval;

import java.io.PrintStream;
import java.util.Locale;

/** A one-line progress bar (done / total, images/s, ETA), redrawn at most about once a second. */
final class Progress {
  private final PrintStream out;
  private final long total;
  private final long start = System.nanoTime();
  private long done;
  private long lastDraw;

  Progress(PrintStream out, long total) {
    this.out = out;
    this.total = total;
  }

  void advance(long images) {
    done += images;
    long now = System.nanoTime();
    if (now - lastDraw >= 1_000_000_000L || done == total) {
      lastDraw = now;
      draw(now);
    }
  }

  void finish() {
    if (out == null) {
      return;
    }
    draw(System.nanoTime());
    out.println();
    out.flush();
  }

  private void draw(long now) {
    if (out == null) {
      return;
    }
    double seconds = Math.max(1e-9, (now - start) / 1e9);
    double rate = done / seconds;
    long eta = rate > 0 ? Math.round((total - done) / rate) : -1;
    int width = 30;
    int filled = total == 0 ? width : (int) (width * done / total);
    out.printf(Locale.ROOT, "\r[%s%s] %d/%d images  %.1f img/s  ETA %s   ",
        "#".repeat(filled), ".".repeat(width - filled), done, total, rate,
        eta < 0 ? "?" : eta / 60 + "m" + String.format(Locale.ROOT, "%02d", eta % 60) + "s");
    out.flush();
  }
}
