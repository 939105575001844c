package io.clipline.schemas.evolution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clipline.schemas.CameraFrame;
import io.clipline.schemas.topic.TopicCatalog;
import io.clipline.schemas.topic.TopicSpec;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SchemaEvolutionTest {

  static Stream<Class<? extends SpecificRecord>> recordTypes() {
    return TopicCatalog.all().stream().map(TopicSpec::valueType);
  }

  private static Schema current(Class<? extends SpecificRecord> type) {
    return SpecificData.getForClass(type).getSchema(type);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("recordTypes")
  void shouldKeepAtLeastOneReleasedVersionWhenRecordIsOnATopic(
      Class<? extends SpecificRecord> type) {
    assertFalse(
        SchemaHistory.releasedVersions(type.getSimpleName()).isEmpty(),
        "no released version of " + type.getSimpleName() + " under schemas/src/main/resources/"
            + "io/clipline/schemas/history/; add v1.avsc (see schemas/README.md)");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("recordTypes")
  void shouldReadEveryReleasedVersionBothWaysWhenSchemaEvolves(
      Class<? extends SpecificRecord> type) {
    List<Schema> released = SchemaHistory.releasedVersions(type.getSimpleName());
    for (int v = 0; v < released.size(); v++) {
      List<String> problems = CompatibilityCheck.problems(current(type), released.get(v));
      assertTrue(
          problems.isEmpty(),
          "the current " + type.getSimpleName() + " schema breaks compatibility with released"
              + " version v" + (v + 1) + "; make the change compatible or publish a new topic"
              + " version:\n  " + String.join("\n  ", problems));
    }
  }

  @Test
  void shouldNameTheFieldWhenAChangeIsBreaking() throws IOException {
    Schema breaking = fixture("CameraFrame-breaking.avsc");

    List<String> problems = CompatibilityCheck.problems(breaking, current(CameraFrame.class));

    assertFalse(problems.isEmpty(), "the breaking fixture must be reported");
    assertTrue(
        problems.stream().anyMatch(p -> p.contains("field 'sequence'")),
        "a type change of 'sequence' must name the field: " + problems);
    assertTrue(
        problems.stream().anyMatch(p -> p.contains("field 'shiftId'")),
        "a new field without default must name the field: " + problems);
  }

  @Test
  void shouldAcceptAnOptionalFieldWithDefaultWhenAdded() throws IOException {
    Schema compatible = fixture("CameraFrame-compatible.avsc");

    assertEquals(List.of(), CompatibilityCheck.problems(compatible, current(CameraFrame.class)));
  }

  private static Schema fixture(String name) throws IOException {
    try (InputStream in = SchemaEvolutionTest.class.getResourceAsStream("/evolution/" + name)) {
      return new Schema.Parser().parse(in);
    }
  }
}
