package io.clipline.worker.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The series of one scrape in the Prometheus text format, keyed by name and labels as written. */
final class ScrapedSeries {
  private final Map<String, Double> values = new LinkedHashMap<>();

  ScrapedSeries(String exposition) {
    for (String line : exposition.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int split = line.lastIndexOf(' ');
      values.put(line.substring(0, split), Double.parseDouble(line.substring(split + 1)));
    }
  }

  /** The value of the series written exactly as {@code series}, or null when absent. */
  Double value(String series) {
    return values.get(series);
  }

  /** Metric names (series names without labels) of the scrape. */
  Set<String> names() {
    Set<String> names = new TreeSet<>();
    values.keySet().forEach(s -> names.add(s.contains("{") ? s.substring(0, s.indexOf('{')) : s));
    return names;
  }

  /** Every series whose text starts with {@code prefix}, for failure messages. */
  String seriesStartingWith(String prefix) {
    StringBuilder out = new StringBuilder();
    values.forEach((k, v) -> {
      if (k.startsWith(prefix)) {
        out.append(k).append(' ').append(v).append('\n');
      }
    });
    return out.toString();
  }
}
