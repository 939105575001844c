package io.clipline.camera;

/**
 * Where the simulator's images come from. A source answers for a camera (its index among all
 * simulated cameras, from 0) and that camera's frame sequence number; the same camera always
 * looks at the same product. Implementations must be safe to call from one thread at a time.
 */
public interface FrameSource extends AutoCloseable {
  /** The frame that camera {@code cameraIndex} captures as its frame number {@code sequence}. */
  SourceFrame frameFor(int cameraIndex, long sequence);

  /** A short human-readable description, for logs and summaries. */
  String description();

  /** Releases what the source holds; the default holds nothing. */
  @Override
  default void close() {}
}
