package io.clipline.eval;

import io.clipline.dataset.DatasetSample;
import io.clipline.eval.Evaluator.Result;
import io.clipline.eval.Evaluator.Scored;
import io.clipline.eval.Evaluator.ShuffleRun;
import io.clipline.eval.Evaluator.Thumb;
import io.clipline.imaging.CropGeometry;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** PNG plots drawn with java.awt: image-level ROC curves and a grid of heatmap overlays. */
final class Plots {
  private static final Color[] SHUFFLE_COLOURS = {
    new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44),
    new Color(214, 39, 40), new Color(148, 103, 189), new Color(140, 86, 75)
  };
  private static final int TILE = 180;
  private static final int CAPTION = 30;
  private static final int PER_ROW = 4;

  private Plots() {}

  /** Image-level ROC curve of each shuffle (normalised score). */
  static void roc(Result r, Path file) throws IOException {
    int size = 520;
    int margin = 60;
    int plot = size - 2 * margin;
    BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas(img);
    g.setColor(Color.LIGHT_GRAY);
    g.drawRect(margin, margin, plot, plot);
    g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
        new float[] {4f, 4f}, 0f));
    g.drawLine(margin, margin + plot, margin + plot, margin);
    g.setStroke(new BasicStroke(2f));
    g.setColor(Color.BLACK);
    g.drawString("Image-level ROC, " + r.dataset().name() + " / " + r.modelName(), margin, 30);
    g.drawString("false-positive rate", margin + plot / 2 - 50, size - 20);
    Graphics2D rotated = (Graphics2D) g.create();
    rotated.rotate(-Math.PI / 2);
    rotated.drawString("true-positive rate", -(margin + plot / 2 + 50), 16);
    rotated.dispose();
    for (int t = 0; t <= 4; t++) {
      String label = String.format(Locale.ROOT, "%.2f", t / 4.0);
      g.drawString(label, margin + t * plot / 4 - 12, margin + plot + 16);
      g.drawString(label, margin - 36, margin + plot - t * plot / 4 + 5);
    }
    int row = 0;
    for (ShuffleRun run : r.runs()) {
      g.setColor(SHUFFLE_COLOURS[run.index() % SHUFFLE_COLOURS.length]);
      int px = margin;
      int py = margin + plot;
      for (Metrics.RocPoint p : run.roc()) {
        int x = margin + (int) Math.round(p.fpr() * plot);
        int y = margin + plot - (int) Math.round(p.tpr() * plot);
        g.drawLine(px, py, x, y);
        px = x;
        py = y;
      }
      g.drawString(String.format(Locale.ROOT, "shuffle %d: AUROC %.3f", run.index(),
          run.all().imageAuroc()), margin + plot - 170, margin + plot - 12 - 16 * row++);
    }
    g.dispose();
    ImageIO.write(img, "png", file.toFile());
  }

  /**
   * Shuffle 0's maps over their images: highest-scored defective, lowest-scored defective and
   * highest-scored good images, one row each, on one colour scale.
   */
  static void heatmaps(Result r, Path file) throws IOException {
    List<Scored> frames = r.runs().get(0).frames();
    Comparator<Scored> byScore = Comparator.comparingDouble(Scored::normalized);
    List<Scored> defective = frames.stream()
        .filter(f -> r.samples().get(f.sample()).defective()).sorted(byScore.reversed()).toList();
    List<Scored> good = frames.stream()
        .filter(f -> !r.samples().get(f.sample()).defective()).sorted(byScore.reversed()).toList();
    List<List<Scored>> rows = List.of(
        defective.subList(0, Math.min(PER_ROW, defective.size())),
        defective.stream().sorted(byScore).limit(PER_ROW).toList(),
        good.subList(0, Math.min(PER_ROW, good.size())));
    String[] titles = {"best: highest-scored defective", "worst: lowest-scored defective (misses)",
        "worst: highest-scored good (false alarms)"};
    float lo = Float.POSITIVE_INFINITY;
    float hi = Float.NEGATIVE_INFINITY;
    for (List<Scored> row : rows) {
      for (Scored f : row) {
        for (float v : r.thumbs().get(f.sample()).map()) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    int header = 22;
    BufferedImage img = new BufferedImage(PER_ROW * TILE,
        rows.size() * (TILE + CAPTION + header), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas(img);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    for (int row = 0; row < rows.size(); row++) {
      int top = row * (TILE + CAPTION + header);
      g.setColor(Color.BLACK);
      g.drawString(titles[row], 4, top + 15);
      List<Scored> tiles = rows.get(row);
      for (int c = 0; c < tiles.size(); c++) {
        Scored f = tiles.get(c);
        DatasetSample sample = r.samples().get(f.sample());
        Thumb thumb = r.thumbs().get(f.sample());
        int x0 = c * TILE;
        int y0 = top + header;
        drawTile(g, sample, thumb, x0, y0, lo, hi);
        g.setColor(Color.BLACK);
        String name = sample.image().getFileName().toString();
        g.drawString(name.length() > 28 ? name.substring(0, 27) + "…" : name, x0 + 3, y0 + TILE + 12);
        g.drawString(String.format(Locale.ROOT, "%s z=%.3g %s", sample.defectType(), f.normalized(),
            f.verdict()), x0 + 3, y0 + TILE + 25);
      }
    }
    g.dispose();
    ImageIO.write(img, "png", file.toFile());
  }

  private static void drawTile(Graphics2D g, DatasetSample sample, Thumb thumb, int x0, int y0,
      float lo, float hi) throws IOException {
    CropGeometry crop = thumb.crop();
    BufferedImage source = ImageIO.read(sample.image().toFile());
    if (source != null) {
      g.drawImage(source, x0, y0, x0 + TILE, y0 + TILE, (int) crop.left(), (int) crop.top(),
          (int) Math.round(crop.left() + crop.width()), (int) Math.round(crop.top() + crop.height()),
          null);
    }
    int n = Evaluator.THUMB;
    BufferedImage heat = new BufferedImage(n, n, BufferedImage.TYPE_INT_ARGB);
    float span = Math.max(1e-9f, hi - lo);
    for (int y = 0; y < n; y++) {
      for (int x = 0; x < n; x++) {
        float t = Math.max(0, Math.min(1, (thumb.map()[y * n + x] - lo) / span));
        heat.setRGB(x, y, (110 << 24) | jet(t));
      }
    }
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(heat, x0, y0, TILE, TILE, null);
    if (sample.mask() != null) {
      BufferedImage mask = ImageIO.read(sample.mask().toFile());
      if (mask != null) {
        BufferedImage outline = new BufferedImage(TILE, TILE, BufferedImage.TYPE_INT_ARGB);
        boolean[] in = new boolean[TILE * TILE];
        for (int y = 0; y < TILE; y++) {
          int sy = (int) Math.min(mask.getHeight() - 1, crop.toSourceY((y + 0.5) / TILE));
          for (int x = 0; x < TILE; x++) {
            int sx = (int) Math.min(mask.getWidth() - 1, crop.toSourceX((x + 0.5) / TILE));
            in[y * TILE + x] = (mask.getRaster().getSample(sx, sy, 0) & 0xff) > 127;
          }
        }
        for (int y = 0; y < TILE; y++) {
          for (int x = 0; x < TILE; x++) {
            boolean edge = in[y * TILE + x] && (x == 0 || y == 0 || x == TILE - 1 || y == TILE - 1
                || !in[y * TILE + x - 1] || !in[y * TILE + x + 1] || !in[(y - 1) * TILE + x]
                || !in[(y + 1) * TILE + x]);
            if (edge) {
              outline.setRGB(x, y, 0xff00ff00);
            }
          }
        }
        g.drawImage(outline, x0, y0, null);
      }
    }
  }

  /** A jet-like colour ramp: blue → cyan → yellow → red. */
  static int jet(float t) {
    float r = Math.max(0, Math.min(1, 1.5f - Math.abs(4 * t - 3)));
    float gr = Math.max(0, Math.min(1, 1.5f - Math.abs(4 * t - 2)));
    float b = Math.max(0, Math.min(1, 1.5f - Math.abs(4 * t - 1)));
    return ((int) (r * 255) << 16) | ((int) (gr * 255) << 8) | (int) (b * 255);
  }

  private static Graphics2D canvas(BufferedImage img) {
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, img.getWidth(), img.getHeight());
    return g;
  }

}
