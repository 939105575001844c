package io.clipline.worker.internal;

import io.clipline.schemas.ScorerSnapshot;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits a scope's scorer state into {@link ScorerSnapshot} chunks and puts chunks back together.
 *
 * <p>Every chunk of a snapshot carries the same snapshotId, chunkCount and SHA-256 of the whole
 * payload; its record key is {@code scope#chunkIndex}, so that compaction keeps one record per
 * chunk. A {@link Assembly} takes chunks in any order and keeps, per scope, the newest snapshot
 * (by createdTime) that is complete, whose checksum matches and that was written by the same
 * model, scorer and payload format as the reader's; every other snapshot is dropped with an INFO
 * line saying why.
 */
public final class ScorerSnapshots {
  /** Layout of the payload: the scoring engine's own versioned snapshot bytes. */
  public static final int FORMAT_VERSION = 1;
  /** Payload bytes per chunk, well under the topic's max.message.bytes. */
  public static final int CHUNK_BYTES = 1024 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(ScorerSnapshots.class);

  private ScorerSnapshots() {}

  /** What a snapshot says about where its state came from, the same in all of its chunks. */
  public record Origin(
      String snapshotId, String modelVersion, String scorerVersion, long framesSeen,
      String workerId, Instant createdTime) {
    public Origin {
      Objects.requireNonNull(snapshotId, "snapshotId");
      Objects.requireNonNull(modelVersion, "modelVersion");
      Objects.requireNonNull(scorerVersion, "scorerVersion");
      Objects.requireNonNull(workerId, "workerId");
      Objects.requireNonNull(createdTime, "createdTime");
    }
  }

  /** The chunks of {@code payload}, at most {@code chunkBytes} payload bytes each, at least one. */
  public static List<ScorerSnapshot> split(
      String scope, byte[] payload, Origin origin, int chunkBytes) {
    if (chunkBytes < 1) {
      throw new IllegalArgumentException("chunkBytes must be >= 1, got " + chunkBytes);
    }
    String sha256 = sha256(payload);
    int count = Math.max(1, (payload.length + chunkBytes - 1) / chunkBytes);
    List<ScorerSnapshot> chunks = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int from = i * chunkBytes;
      int to = Math.min(payload.length, from + chunkBytes);
      chunks.add(ScorerSnapshot.newBuilder()
          .setScope(scope)
          .setFormatVersion(FORMAT_VERSION)
          .setSnapshotId(origin.snapshotId())
          .setChunkIndex(i)
          .setChunkCount(count)
          .setPayload(ByteBuffer.wrap(Arrays.copyOfRange(payload, from, to)))
          .setPayloadSha256(sha256)
          .setModelVersion(origin.modelVersion())
          .setScorerVersion(origin.scorerVersion())
          .setFramesSeen(origin.framesSeen())
          .setWorkerId(origin.workerId())
          .setCreatedTime(origin.createdTime())
          .build());
    }
    return chunks;
  }

  /** The record key of a chunk: {@code scope#chunkIndex}. */
  public static String key(ScorerSnapshot chunk) {
    return chunk.getScope() + "#" + chunk.getChunkIndex();
  }

  /** Hex SHA-256 of {@code bytes}, as in {@code payloadSha256}. */
  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /** A scope's state as a complete, verified snapshot held it. */
  public record Restorable(String scope, byte[] payload, Origin origin) {}

  /**
   * Puts chunks read from the scorer-state topic back together. Holds, per scope, the best
   * snapshot so far and the chunks of at most {@value #MAX_PARTIAL_PER_SCOPE} newer incomplete
   * ones. Not thread-safe.
   */
  public static final class Assembly {
    /** Incomplete snapshots kept per scope; an older one beyond this is dropped. */
    static final int MAX_PARTIAL_PER_SCOPE = 2;

    private final String modelVersion;
    private final String scorerVersion;
    private final Map<String, Restorable> best = new HashMap<>();
    /** scope -> snapshotId -> chunks by index, for snapshots newer than the scope's best. */
    private final Map<String, Map<String, ScorerSnapshot[]>> partial = new HashMap<>();
    /** Snapshots already judged (restorable or refused), so late duplicate chunks are ignored. */
    private final Set<String> judged = new HashSet<>();

    /** Keeps snapshots written by {@code modelVersion} and {@code scorerVersion} only. */
    public Assembly(String modelVersion, String scorerVersion) {
      this.modelVersion = modelVersion;
      this.scorerVersion = scorerVersion;
    }

    /** Adds one chunk; a tombstone is passed as {@code null} and ignored. */
    public void add(ScorerSnapshot chunk) {
      if (chunk == null || judged.contains(chunk.getSnapshotId())) {
        return;
      }
      String scope = chunk.getScope();
      int count = chunk.getChunkCount();
      int index = chunk.getChunkIndex();
      if (count < 1 || index < 0 || index >= count) {
        refuse(chunk, "chunk " + index + " of " + count + " is out of range");
        return;
      }
      Restorable current = best.get(scope);
      if (current != null && !newer(chunk, current.origin())) {
        return; // superseded by a newer complete snapshot
      }
      Map<String, ScorerSnapshot[]> ofScope = partial.computeIfAbsent(scope, s -> new LinkedHashMap<>());
      ScorerSnapshot[] chunks = ofScope.computeIfAbsent(chunk.getSnapshotId(), id -> new ScorerSnapshot[count]);
      if (chunks.length != count) {
        ofScope.remove(chunk.getSnapshotId());
        refuse(chunk, "its chunks disagree on the chunk count");
        return;
      }
      chunks[index] = chunk;
      if (Arrays.stream(chunks).allMatch(Objects::nonNull)) {
        ofScope.remove(chunk.getSnapshotId());
        judge(chunks);
      } else if (ofScope.size() > MAX_PARTIAL_PER_SCOPE) {
        String oldest = ofScope.entrySet().stream()
            .min(Comparator.comparing((Map.Entry<String, ScorerSnapshot[]> e) ->
                firstPresent(e.getValue()).getCreatedTime())
                .thenComparing(e -> firstPresent(e.getValue()).getFramesSeen()))
            .orElseThrow().getKey();
        ofScope.remove(oldest);
      }
      if (ofScope.isEmpty()) {
        partial.remove(scope);
      }
    }

    /** The newest restorable snapshot of every scope seen; incomplete ones are left out. */
    public Map<String, Restorable> restorable() {
      partial.forEach((scope, snapshots) -> snapshots.keySet().forEach(id -> LOG.info(
          "scorer snapshot {} of scope {} is incomplete; not restored", id, scope)));
      return Map.copyOf(best);
    }

    private void judge(ScorerSnapshot[] chunks) {
      ScorerSnapshot first = chunks[0];
      judged.add(first.getSnapshotId());
      if (first.getFormatVersion() != FORMAT_VERSION) {
        refuse(first, "payload format " + first.getFormatVersion() + " is not "
            + FORMAT_VERSION);
        return;
      }
      if (!modelVersion.equals(first.getModelVersion())) {
        refuse(first, "it was built with model '" + first.getModelVersion() + "', this worker runs '"
            + modelVersion + "'");
        return;
      }
      if (!scorerVersion.equals(first.getScorerVersion())) {
        refuse(first, "it was built by scorer '" + first.getScorerVersion()
            + "', this worker runs '" + scorerVersion + "'");
        return;
      }
      int length = 0;
      for (ScorerSnapshot c : chunks) {
        length += c.getPayload().remaining();
      }
      ByteBuffer payload = ByteBuffer.allocate(length);
      for (ScorerSnapshot c : chunks) {
        payload.put(c.getPayload().duplicate());
      }
      byte[] bytes = payload.array();
      String expected = first.getPayloadSha256();
      if (expected == null || !expected.equals(sha256(bytes))) {
        refuse(first, expected == null ? "it has no checksum" : "its checksum does not match");
        return;
      }
      Restorable candidate = new Restorable(first.getScope(), bytes, new Origin(
          first.getSnapshotId(), first.getModelVersion(), first.getScorerVersion(),
          first.getFramesSeen(), first.getWorkerId(), first.getCreatedTime()));
      best.merge(first.getScope(), candidate, (a, b) -> newer(first, a.origin()) ? b : a);
      Restorable kept = best.get(first.getScope());
      Map<String, ScorerSnapshot[]> ofScope = partial.get(first.getScope());
      if (ofScope != null) {
        ofScope.values().removeIf(c -> !newer(firstPresent(c), kept.origin()));
      }
    }

    /** Later createdTime wins; within the same millisecond, more frames seen. */
    private static boolean newer(ScorerSnapshot chunk, Origin than) {
      int byTime = chunk.getCreatedTime().compareTo(than.createdTime());
      return byTime > 0 || byTime == 0 && chunk.getFramesSeen() > than.framesSeen();
    }

    private static ScorerSnapshot firstPresent(ScorerSnapshot[] chunks) {
      return Arrays.stream(chunks).filter(Objects::nonNull).findFirst().orElseThrow();
    }

    private void refuse(ScorerSnapshot chunk, String why) {
      judged.add(chunk.getSnapshotId());
      LOG.info("scorer snapshot {} of scope {} (worker {}, {}) not restored: {}",
          chunk.getSnapshotId(), chunk.getScope(), chunk.getWorkerId(), chunk.getCreatedTime(), why);
    }
  }
}
