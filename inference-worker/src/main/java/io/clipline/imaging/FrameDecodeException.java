package io.clipline.imaging;

import java.util.Objects;

/**
 * Thrown when a camera frame cannot be decoded. {@link #reason()} says why in a form fit for a
 * dead-letter record or a metric tag ({@code decode.truncated}); the message says it to a person,
 * with the sizes involved.
 */
public class FrameDecodeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why a frame was rejected. */
  public enum Reason {
    /** No bytes at all. */
    EMPTY("decode.empty"),
    /** More bytes than the limit allows. */
    TOO_LARGE("decode.too_large"),
    /** Width × height (declared, or read from the image header) exceeds the pixel limit. */
    DIMENSIONS_EXCEED_LIMIT("decode.dimensions_exceed_limit"),
    /** The bytes do not fit the declared width and height. */
    SIZE_MISMATCH("decode.size_mismatch"),
    /** The image ends early: no end marker, or the header is cut off. */
    TRUNCATED("decode.truncated"),
    /** The bytes are not a decodable image of the declared encoding. */
    CORRUPT("decode.corrupt"),
    /** The encoding is not one of {@link PixelEncoding}. */
    UNKNOWN_ENCODING("decode.unknown_encoding");

    private final String code;

    Reason(String code) {
      this.code = code;
    }

    /** The machine-readable reason code, such as {@code decode.too_large}. */
    public String code() {
      return code;
    }
  }

  private final Reason reason;

  public FrameDecodeException(Reason reason, String message) {
    super(reason.code() + ": " + message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** Why the frame was rejected. */
  public Reason reason() {
    return reason;
  }
}
