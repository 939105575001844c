package io.clipline.scoring.regions;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ComponentsTest {
  static Stream<Arguments> maps() {
    float[] two = {
      9, 9, 0, 0,
      9, 0, 0, 5,
      0, 0, 0, 5,
      0, 0, 0, 0
    };
    float[] diagonal = {
      1, 0, 0,
      0, 1, 0,
      0, 0, 1
    };
    return Stream.of(
        // two blobs, largest peak first, bbox inclusive, mean over pixels
        Arguments.of(two, 4, 4, 1.0, "0,0,1,1,3,9.0,9.0;1,3,2,3,2,5.0,5.0"),
        // diagonal pixels join under 8-connectivity
        Arguments.of(diagonal, 3, 3, 1.0, "0,0,2,2,3,1.0,1.0"),
        // on the threshold counts as inside
        Arguments.of(two, 4, 4, 5.0, "0,0,1,1,3,9.0,9.0;1,3,2,3,2,5.0,5.0"),
        // nothing at or above the threshold: no regions
        Arguments.of(two, 4, 4, 9.5, ""),
        // all-equal map above threshold: one region covering everything
        Arguments.of(new float[] {2, 2, 2, 2}, 2, 2, 1.0, "0,0,1,1,4,2.0,2.0"));
  }

  @ParameterizedTest
  @MethodSource("maps")
  void shouldFindConnectedComponentsWhenThresholded(
      float[] map, int h, int w, double t, String want) {
    List<Components.Blob> blobs = Components.find(map, h, w, t, 10);
    StringBuilder got = new StringBuilder();
    for (Components.Blob b : blobs) {
      if (got.length() > 0) {
        got.append(';');
      }
      got.append(b.top()).append(',').append(b.left()).append(',').append(b.bottom()).append(',')
          .append(b.right()).append(',').append(b.area()).append(',').append(b.peak()).append(',')
          .append(b.mean());
    }
    assertEquals(want, got.toString());
  }
}
