package io.clipline.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clipline.schemas.FrameEncoding;
import io.clipline.schemas.topic.TopicCatalog;
import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Settings validate in their constructor, and each message names the field at fault. */
class CameraSimulatorSettingsTest {
  @Test
  void shouldUseCatalogTopicAndOneStationPerLineWhenBuiltWithDefaults() {
    SimulatorSettings settings = SimulatorSettings.builder("localhost:9092").build();

    assertEquals(TopicCatalog.FRAMES.name(), settings.topic());
    assertEquals(3, settings.camerasPerStation());
    assertEquals(3, settings.cameraCount());
    assertEquals(0.1, settings.defectRate());
    assertEquals(FrameEncoding.PNG, settings.encoding());
    assertNull(settings.dataset());
    assertTrue(settings.openSource() instanceof ProceduralSurfaces);
  }

  static Stream<Arguments> invalidSettings() {
    return Stream.of(
        invalid("bootstrapServers", b -> SimulatorSettings.builder(" ")),
        invalid("topic", b -> b.topic("")),
        invalid("lines", b -> b.lines(0)),
        invalid("camerasPerLine", b -> b.camerasPerLine(-1)),
        // a rule across two fields names both
        invalid("camerasPerStation must not exceed camerasPerLine",
            b -> b.camerasPerLine(2).camerasPerStation(3)),
        invalid("lines * camerasPerLine", b -> b.lines(200).camerasPerLine(100)),
        invalid("framesPerSecond", b -> b.framesPerSecond(0)),
        invalid("framesPerSecond", b -> b.framesPerSecond(Double.NaN)),
        invalid("frameCount", b -> b.frameCount(-5)),
        invalid("duration", b -> b.duration(Duration.ofSeconds(-1))),
        invalid("defectRate", b -> b.defectRate(-0.1)),
        invalid("encoding", b -> b.encoding(FrameEncoding.UNKNOWN)),
        invalid("width", b -> b.size(8, 256)),
        invalid("color", b -> b.encoding(FrameEncoding.BGR8)),
        invalid("width * height * channels", b -> b.encoding(FrameEncoding.BGR8).color(true)
            .size(4000, 4000)));
  }

  private static Arguments invalid(String field, UnaryOperator<SimulatorSettings.Builder> edit) {
    return Arguments.of(field, edit);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidSettings")
  void shouldNameFieldWhenSettingIsInvalid(
      String field, UnaryOperator<SimulatorSettings.Builder> edit) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> edit.apply(SimulatorSettings.builder("localhost:9092")).build());

    assertTrue(e.getMessage().contains(field), "expected '" + field + "' in: " + e.getMessage());
  }
}
