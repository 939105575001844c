package io.clipline.worker.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clipline.schemas.ScorerSnapshot;
import io.clipline.schemas.serde.AvroSerde;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ScorerSnapshotsTest {
  private static final AvroSerde<ScorerSnapshot> SERDE = AvroSerde.of(ScorerSnapshot.class);
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static byte[] payload(int length, long seed) {
    byte[] bytes = new byte[length];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private static ScorerSnapshots.Origin origin(String id, Instant created) {
    return new ScorerSnapshots.Origin(id, "texture", "rareclip-stream-1", 42, "w-1", created);
  }

  private static ScorerSnapshots.Assembly assembly() {
    return new ScorerSnapshots.Assembly("texture", "rareclip-stream-1");
  }

  @Test
  void shouldRestoreThePayloadWhenItsChunksArriveInAnyOrder() {
    byte[] payload = payload(10_001, 1);
    List<ScorerSnapshot> chunks =
        ScorerSnapshots.split("tile@cam-1", payload, origin("s1", T0), 1000);
    assertEquals(11, chunks.size());
    for (ScorerSnapshot chunk : chunks) {
      assertEquals(11, chunk.getChunkCount());
      assertEquals(ScorerSnapshots.sha256(payload), chunk.getPayloadSha256());
      assertTrue(chunk.getPayload().remaining() <= 1000);
    }
    assertEquals("tile@cam-1#10", ScorerSnapshots.key(chunks.get(10)));
    List<ScorerSnapshot> shuffled = new ArrayList<>(chunks);
    Collections.shuffle(shuffled, new Random(7));
    ScorerSnapshots.Assembly assembly = assembly();
    // Through the serde, as read from the topic.
    shuffled.forEach(c -> assembly.add(SERDE.decode(SERDE.encode(c))));

    ScorerSnapshots.Restorable restored = assembly.restorable().get("tile@cam-1");
    assertArrayEquals(payload, restored.payload());
    assertEquals(origin("s1", T0), restored.origin());
  }

  @Test
  void shouldSplitAnEmptyPayloadIntoOneChunk() {
    List<ScorerSnapshot> chunks = ScorerSnapshots.split("s", new byte[0], origin("e", T0), 1000);
    assertEquals(1, chunks.size());
    ScorerSnapshots.Assembly assembly = assembly();
    chunks.forEach(assembly::add);
    assertArrayEquals(new byte[0], assembly.restorable().get("s").payload());
  }

  @Test
  void shouldRefuseASnapshotWhoseChecksumDoesNotMatch() {
    List<ScorerSnapshot> chunks = ScorerSnapshots.split("s", payload(3000, 2), origin("x", T0), 1000);
    byte[] corrupt = payload(1000, 3);
    chunks.set(1, ScorerSnapshot.newBuilder(chunks.get(1)).setPayload(ByteBuffer.wrap(corrupt)).build());
    ScorerSnapshots.Assembly assembly = assembly();
    chunks.forEach(assembly::add);

    assertEquals(Map.of(), assembly.restorable());
  }

  @Test
  void shouldIgnoreAnIncompleteSnapshotAndKeepTheOlderCompleteOne() {
    byte[] older = payload(2500, 4);
    ScorerSnapshots.Assembly assembly = assembly();
    ScorerSnapshots.split("s", older, origin("old", T0), 1000).forEach(assembly::add);
    List<ScorerSnapshot> newer =
        ScorerSnapshots.split("s", payload(2500, 5), origin("new", T0.plusSeconds(60)), 1000);
    assembly.add(newer.get(0));
    assembly.add(newer.get(2));

    assertArrayEquals(older, assembly.restorable().get("s").payload());
  }

  @Test
  void shouldKeepTheNewestSnapshotByCreatedTimeWhateverTheOrderRead() {
    byte[] older = payload(1500, 6);
    byte[] newer = payload(1700, 7);
    ScorerSnapshots.Assembly assembly = assembly();
    ScorerSnapshots.split("s", newer, origin("new", T0.plusSeconds(60)), 1000).forEach(assembly::add);
    ScorerSnapshots.split("s", older, origin("old", T0), 1000).forEach(assembly::add);
    ScorerSnapshots.split("t", older, origin("t-old", T0), 1000).forEach(assembly::add);
    ScorerSnapshots.split("t", newer, origin("t-new", T0.plusSeconds(60)), 1000).forEach(assembly::add);

    Map<String, ScorerSnapshots.Restorable> restorable = assembly.restorable();
    assertEquals("new", restorable.get("s").origin().snapshotId());
    assertArrayEquals(newer, restorable.get("s").payload());
    assertEquals("t-new", restorable.get("t").origin().snapshotId());
    assertArrayEquals(newer, restorable.get("t").payload());
  }

  @Test
  void shouldRefuseSnapshotsOfAnotherModelScorerOrFormat() {
    ScorerSnapshots.Assembly assembly = assembly();
    ScorerSnapshots.split("model", payload(10, 8), new ScorerSnapshots.Origin(
        "m", "tiny-clip", "rareclip-stream-1", 1, "w", T0), 1000).forEach(assembly::add);
    ScorerSnapshots.split("scorer", payload(10, 8), new ScorerSnapshots.Origin(
        "s", "texture", "rareclip-stream-0", 1, "w", T0), 1000).forEach(assembly::add);
    ScorerSnapshots.split("format", payload(10, 8), origin("f", T0), 1000).stream()
        .map(c -> ScorerSnapshot.newBuilder(c).setFormatVersion(2).build())
        .forEach(assembly::add);

    assertEquals(Map.of(), assembly.restorable());
  }

  @Test
  void shouldKeepAtMostTwoIncompleteSnapshotsPerScope() {
    ScorerSnapshots.Assembly assembly = assembly();
    byte[] complete = payload(2000, 9);
    List<ScorerSnapshot> last = ScorerSnapshots.split("s", complete, origin("last", T0.plusSeconds(10)), 1000);
    assembly.add(last.get(0));
    for (int i = 0; i < 5; i++) {
      assembly.add(ScorerSnapshots.split("s", payload(2000, i), origin("p" + i, T0.plusSeconds(i)), 1000)
          .get(0));
    }
    // The newest incomplete one survived the older ones and completes.
    assembly.add(last.get(1));

    assertArrayEquals(complete, assembly.restorable().get("s").payload());
  }
}
