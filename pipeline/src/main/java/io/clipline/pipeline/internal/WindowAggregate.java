package io.clipline.pipeline.internal;

import io.clipline.schemas.LineStats;
import io.clipline.schemas.Verdict;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * Running statistics of one window for a line or one camera: counts per verdict, defect regions
 * per type, and an HdrHistogram of capture-to-verdict latency (1 ms resolution, 3 significant
 * digits, auto-resizing), from which the quantiles are read.
 */
final class WindowAggregate {
  static final StateSerde<WindowAggregate> SERDE = StateSerde.of(
      (agg, out) -> {
        out.writeUTF(agg.lineId);
        StateSerde.writeNullable(out, agg.cameraId);
        out.writeLong(agg.windowStart);
        out.writeLong(agg.windowEnd);
        out.writeLong(agg.ok);
        out.writeLong(agg.ng);
        out.writeLong(agg.unsure);
        out.writeInt(agg.defects.size());
        for (Map.Entry<String, Long> e : agg.defects.entrySet()) {
          out.writeUTF(e.getKey());
          out.writeLong(e.getValue());
        }
        ByteBuffer buffer = ByteBuffer.allocate(agg.latency.getNeededByteBufferCapacity());
        int n = agg.latency.encodeIntoCompressedByteBuffer(buffer);
        out.writeInt(n);
        out.write(buffer.array(), 0, n);
      },
      in -> {
        WindowAggregate agg = new WindowAggregate(in.readUTF(), StateSerde.readNullable(in),
            in.readLong(), in.readLong());
        agg.ok = in.readLong();
        agg.ng = in.readLong();
        agg.unsure = in.readLong();
        int types = in.readInt();
        for (int i = 0; i < types; i++) {
          agg.defects.put(in.readUTF(), in.readLong());
        }
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        try {
          agg.latency = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bytes), 1);
        } catch (DataFormatException e) {
          throw new java.io.IOException("corrupt latency histogram", e);
        }
        return agg;
      });

  final String lineId;
  final String cameraId;
  final long windowStart;
  final long windowEnd;
  long ok;
  long ng;
  long unsure;
  final Map<String, Long> defects = new TreeMap<>();
  Histogram latency = newHistogram();

  WindowAggregate(String lineId, String cameraId, long windowStart, long windowEnd) {
    this.lineId = lineId;
    this.cameraId = cameraId;
    this.windowStart = windowStart;
    this.windowEnd = windowEnd;
  }

  private static Histogram newHistogram() {
    Histogram h = new Histogram(3);
    h.setAutoResize(true);
    return h;
  }

  void addVerdict(Verdict verdict, long latencyMs) {
    switch (verdict) {
      case OK -> ok++;
      case NG -> ng++;
      case UNSURE -> unsure++;
    }
    latency.recordValue(Math.max(0, latencyMs));
  }

  void addDefect(String type) {
    defects.merge(type == null ? "unknown" : type, 1L, Long::sum);
  }

  LineStats toRecord() {
    long frames = ok + ng + unsure;
    boolean any = latency.getTotalCount() > 0;
    return LineStats.newBuilder()
        .setLineId(lineId)
        .setCameraId(cameraId)
        .setWindowStart(Instant.ofEpochMilli(windowStart))
        .setWindowEnd(Instant.ofEpochMilli(windowEnd))
        .setFrames(frames)
        .setOkCount(ok)
        .setNgCount(ng)
        .setUnsureCount(unsure)
        .setYieldRate(frames == 0 ? 0.0 : (double) ok / frames)
        .setDefectTypeCounts(new TreeMap<>(defects))
        .setLatencyP50Ms(any ? latency.getValueAtPercentile(50) : 0f)
        .setLatencyP95Ms(any ? latency.getValueAtPercentile(95) : 0f)
        .setLatencyP99Ms(any ? latency.getValueAtPercentile(99) : 0f)
        .setLatencyMaxMs(any ? latency.getMaxValue() : 0f)
        .build();
  }
}
