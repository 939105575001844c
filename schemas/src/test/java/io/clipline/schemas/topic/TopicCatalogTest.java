package io.clipline.schemas.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clipline.schemas.CameraFrame;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TopicCatalogTest {

  @Test
  void shouldListTenTopicsWithUniqueNamesAndValueTypesWhenAskedForAll() {
    Set<String> names = TopicCatalog.all().stream().map(TopicSpec::name).collect(Collectors.toSet());
    Set<Class<?>> types = new HashSet<>();
    TopicCatalog.all().forEach(t -> types.add(t.valueType()));

    assertEquals(10, names.size());
    assertEquals(10, types.size());
  }

  @Test
  void shouldAcceptAThreeMegabyteFrameWhenTopicConfigIsApplied() {
    int max = Integer.parseInt(TopicCatalog.FRAMES.topicConfig().get("max.message.bytes"));

    assertTrue(max > 3 * 1024 * 1024 + 64 * 1024);
  }

  @Test
  void shouldKeepScorerStateForeverWhenCompacted() {
    assertEquals("compact", TopicCatalog.SCORER_STATE.topicConfig().get("cleanup.policy"));
    assertEquals("-1", TopicCatalog.SCORER_STATE.topicConfig().get("retention.ms"));
  }

  @ParameterizedTest
  @CsvSource({
    // no version suffix
    "clipline.frames, 1, delete",
    // upper case is not a Kafka convention we allow
    "Clipline.frames.v1, 1, delete",
    // zero partitions
    "clipline.frames.v1, 0, delete",
    // unknown cleanup policy
    "clipline.frames.v1, 1, archive",
  })
  void shouldRejectSpecWhenAFieldIsInvalid(String name, int partitions, String policy) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new TopicSpec(name, partitions, policy, Duration.ofDays(1), 1 << 20, "k",
            CameraFrame.class, "p"));

    assertTrue(e.getMessage().contains(name) || e.getMessage().contains("topic name"),
        e.getMessage());
  }

  @Test
  void shouldFindTopicByNameWhenItIsInTheCatalog() {
    assertEquals(TopicCatalog.REJECTS, TopicCatalog.byName("clipline.rejects.v1").orElseThrow());
    assertTrue(TopicCatalog.byName("clipline.nope.v1").isEmpty());
  }
}
