package io.clipline.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clipline.schemas.CameraFrame;
import io.clipline.schemas.SampleRecords;
import io.clipline.schemas.serde.RecordDecodeException.Reason;
import io.clipline.schemas.topic.TopicCatalog;
import io.clipline.schemas.topic.TopicSpec;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AvroSerdeTest {

  static Stream<Class<? extends SpecificRecord>> recordTypes() {
    return TopicCatalog.all().stream().map(TopicSpec::valueType);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("recordTypes")
  void shouldRoundTripEveryRecordTypeWhenEncodedAndDecoded(Class<? extends SpecificRecord> type) {
    roundTrip(type);
  }

  private static <T extends SpecificRecord> void roundTrip(Class<T> type) {
    AvroSerde<T> serde = AvroSerde.of(type);
    T record = SampleRecords.sample(type, 42);

    byte[] bytes = serde.serialize("any-topic", record);

    assertEquals(record, serde.deserialize("any-topic", bytes));
  }

  @Test
  void shouldStartEveryValueWithMarkerAndFingerprintWhenEncoded() {
    byte[] bytes = AvroSerde.of(CameraFrame.class).encode(SampleRecords.sample(CameraFrame.class, 1));

    assertEquals((byte) 0xC3, bytes[0]);
    assertEquals((byte) 0x01, bytes[1]);
    assertTrue(bytes.length > 10);
  }

  @Test
  void shouldMapTombstonesToNullWhenValueIsNull() {
    AvroSerde<CameraFrame> serde = AvroSerde.of(CameraFrame.class);

    assertNull(serde.serialize("t", null));
    assertNull(serde.deserialize("t", null));
  }

  static Stream<Arguments> badBytes() {
    byte[] valid = AvroSerde.of(CameraFrame.class).encode(SampleRecords.sample(CameraFrame.class, 7));
    return Stream.of(
        // zero bytes: an empty value is not a record
        Arguments.of("empty", new byte[0], Reason.NOT_AVRO),
        // JSON written by a misconfigured producer
        Arguments.of("json", "{\"frameId\":\"x\"}".getBytes(StandardCharsets.UTF_8), Reason.NOT_AVRO),
        // the marker and part of the fingerprint: header cut short
        Arguments.of("short header", Arrays.copyOf(valid, 6), Reason.TRUNCATED),
        // a fingerprint no version of CameraFrame ever had
        Arguments.of("unknown fingerprint", flipFingerprint(valid), Reason.UNKNOWN_FINGERPRINT),
        // a valid header and half the body
        Arguments.of("truncated body", Arrays.copyOf(valid, 10 + (valid.length - 10) / 2),
            Reason.TRUNCATED),
        // a valid header, then bytes that decode to a negative string length
        Arguments.of("garbage body", garbageBody(valid), Reason.MALFORMED));
  }

  @Test
  void shouldSayTheValueIsInTheRegistryFormatWhenGivenConfluentFraming() {
    byte[] body = AvroSerde.of(CameraFrame.class).encode(SampleRecords.sample(CameraFrame.class, 3));
    byte[] framed = new byte[5 + body.length - 10];
    framed[4] = 42; // magic byte 0, schema id 42, then the Avro body
    System.arraycopy(body, 10, framed, 5, body.length - 10);

    RecordDecodeException e = assertThrows(RecordDecodeException.class,
        () -> AvroSerde.of(CameraFrame.class).decode(framed));

    assertEquals(Reason.WRONG_FORMAT, e.reason(), e.getMessage());
    assertTrue(e.getMessage().contains("schema.wrong_format"), e.getMessage());
    assertTrue(e.getMessage().contains("schema id 42"), e.getMessage());
    assertTrue(e.getMessage().contains("serde.format=registry"), e.getMessage());
  }

  private static byte[] flipFingerprint(byte[] valid) {
    byte[] copy = valid.clone();
    for (int i = 2; i < 10; i++) {
      copy[i] = (byte) ~copy[i];
    }
    return copy;
  }

  private static byte[] garbageBody(byte[] valid) {
    byte[] copy = Arrays.copyOf(valid, 40);
    Arrays.fill(copy, 10, 40, (byte) 0x01);
    return copy;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badBytes")
  void shouldFailWithTypedReasonWhenBytesAreNotAValidRecord(
      String name, byte[] bytes, Reason expected) {
    AvroSerde<CameraFrame> serde = AvroSerde.of(CameraFrame.class);

    RecordDecodeException e =
        assertThrows(RecordDecodeException.class, () -> serde.deserialize("frames", bytes));

    assertEquals(expected, e.reason(), e.getMessage());
    assertEquals("CameraFrame", e.recordType());
    assertTrue(e.getMessage().contains(expected.code()), e.getMessage());
  }

  @Test
  void shouldEncodeIdenticalBytesWhenRecordIsEqual() {
    AvroSerde<CameraFrame> serde = AvroSerde.of(CameraFrame.class);
    CameraFrame frame = SampleRecords.sample(CameraFrame.class, 3);

    assertArrayEquals(serde.encode(frame), serde.encode(SampleRecords.sample(CameraFrame.class, 3)));
  }
}
