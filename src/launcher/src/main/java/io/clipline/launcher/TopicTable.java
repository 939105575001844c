package io.clipline.launcher;

import io.clipline.broker.CatalogTopics.Listing;
import java.util.List;

/** Renders a topic listing as an aligned text table for the terminal. */
final class TopicTable {
  private TopicTable() {}

  static String render(List<Listing> listings) {
    int width = "topic".length();
    for (Listing l : listings) {
      width = Math.max(width, l.name().length());
    }
    String row = "  %-" + width + "s  %10s  %8s  %-8s  %14s  %17s%n";
    StringBuilder out = new StringBuilder();
    out.append(String.format(row, "topic", "partitions", "replicas", "cleanup", "retention.ms",
        "max.message.bytes"));
    for (Listing l : listings) {
      out.append(String.format(row, l.name(), l.partitions(), l.replicas(),
          l.config().get("cleanup.policy"), l.config().get("retention.ms"),
          l.config().get("max.message.bytes")));
    }
    return out.toString();
  }
}
