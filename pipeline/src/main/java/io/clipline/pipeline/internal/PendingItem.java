package io.clipline.pipeline.internal;

import io.clipline.schemas.FrameVerdict;
import io.clipline.schemas.serde.AvroSerde;
import java.util.ArrayList;
import java.util.List;

/**
 * Fusion state of one item: the views that arrived (without their anomaly maps), when the first
 * one arrived (wall clock), and, once decided, when; a decided item keeps no views.
 */
record PendingItem(String lineId, long firstArrivalMs, long decidedMs, List<FrameVerdict> views) {
  private static final AvroSerde<FrameVerdict> VERDICTS = AvroSerde.of(FrameVerdict.class);

  static final StateSerde<PendingItem> SERDE = StateSerde.of(
      (item, out) -> {
        out.writeUTF(item.lineId());
        out.writeLong(item.firstArrivalMs());
        out.writeLong(item.decidedMs());
        out.writeInt(item.views().size());
        for (FrameVerdict view : item.views()) {
          byte[] bytes = VERDICTS.encode(view);
          out.writeInt(bytes.length);
          out.write(bytes);
        }
      },
      in -> {
        String lineId = in.readUTF();
        long first = in.readLong();
        long decided = in.readLong();
        int n = in.readInt();
        List<FrameVerdict> views = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          byte[] bytes = new byte[in.readInt()];
          in.readFully(bytes);
          views.add(VERDICTS.decode(bytes));
        }
        return new PendingItem(lineId, first, decided, views);
      });

  PendingItem {
    views = List.copyOf(views);
  }

  boolean decided() {
    return decidedMs >= 0;
  }

  boolean hasFrame(String frameId) {
    return views.stream().anyMatch(v -> v.getFrameId().equals(frameId));
  }

  PendingItem with(FrameVerdict view) {
    List<FrameVerdict> more = new ArrayList<>(views);
    FrameVerdict slim = FrameVerdict.newBuilder(view).setAnomalyMap(null).build();
    more.add(slim);
    return new PendingItem(lineId, firstArrivalMs, decidedMs, more);
  }

  PendingItem decidedAt(long now) {
    return new PendingItem(lineId, firstArrivalMs, now, List.of());
  }
}
