package io.clipline.scoring.memory;

import io.clipline.scoring.Thresholds;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The versioned binary snapshot of a {@link ScopeState}, as the worker publishes it to the
 * scorer-state topic.
 *
 * <p>Version 5 (written), big-endian as {@link DataOutputStream} writes it: magic {@code "CLSS"},
 * version, grid rows and columns, the per-layer dimensions, frames seen, the four threshold
 * values (ok, ng, target false-reject rate, unsure band), the patch banks, the image-level banks
 * (each in {@link RarityBankCodec}'s format), the positional banks (count, then per bank its
 * dimension, capacity, radius, calibration percentile, top fraction, frames stored and, oldest
 * first, each frame's sequence number, its scale per patch and its 8-bit codes, as {@link
 * PositionalBank} holds them), the normaliser's window and the few-shot examples. Version 4 (read
 * only) has the same layout, its banks in {@link RarityBankCodec}'s format 2 (presence values as
 * floats, rounded to the presence grid as they are read). Version 3 (read only) holds the positional frames as 32-bit features, which are quantised as they are
 * read; version 2 has no positional banks, version 1 no image-level banks either; the engine
 * adds empty ones.
 */
public final class ScopeStateCodec {
  private static final int MAGIC = 0x434C5353; // "CLSS"
  private static final int VERSION = 5;

  private ScopeStateCodec() {}

  /** Serialises the state. */
  public static byte[] toBytes(ScopeState s) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeInt(VERSION);
      out.writeInt(s.rows());
      out.writeInt(s.cols());
      out.writeInt(s.layers());
      for (int l = 0; l < s.layers(); l++) {
        out.writeInt(s.dim(l));
      }
      out.writeLong(s.frames());
      Thresholds t = s.thresholds();
      out.writeDouble(t.ok());
      out.writeDouble(t.ng());
      out.writeDouble(t.targetFalseRejectRate());
      out.writeDouble(t.unsureBand());
      out.writeInt(s.banks().size());
      for (RarityBank b : s.banks()) {
        RarityBankCodec.write(b, out);
      }
      out.writeInt(s.imageBanks().size());
      for (RarityBank b : s.imageBanks()) {
        RarityBankCodec.write(b, out);
      }
      out.writeInt(s.positionalBanks().size());
      for (PositionalBank b : s.positionalBanks()) {
        writePositional(b, out);
      }
      writeNormalizer(s.normalizer(), out);
      writeFewShot(s.fewShot(), out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serialise scope state", e);
    }
    return bytes.toByteArray();
  }

  /** Restores a state written by {@link #toBytes}; rejects other formats with a clear message. */
  public static ScopeState fromBytes(byte[] data) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      int magic = in.readInt();
      if (magic != MAGIC) {
        throw new IllegalArgumentException(
            "not a Clipline scope snapshot: magic 0x" + Integer.toHexString(magic)
                + ", expected 0x" + Integer.toHexString(MAGIC));
      }
      int version = in.readInt();
      if (version < 1 || version > VERSION) {
        throw new IllegalArgumentException(
            "unsupported scope snapshot version " + version + ", expected 1 to " + VERSION);
      }
      int rows = in.readInt();
      int cols = in.readInt();
      int[] dims = new int[in.readInt()];
      for (int i = 0; i < dims.length; i++) {
        dims[i] = in.readInt();
      }
      long frames = in.readLong();
      Thresholds thresholds =
          new Thresholds(in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble());
      int nb = in.readInt();
      List<RarityBank> banks = new ArrayList<>(nb);
      for (int i = 0; i < nb; i++) {
        banks.add(RarityBankCodec.read(in));
      }
      List<RarityBank> imageBanks = new ArrayList<>();
      int ni = version == 1 ? 0 : in.readInt();
      for (int i = 0; i < ni; i++) {
        imageBanks.add(RarityBankCodec.read(in));
      }
      List<PositionalBank> positionalBanks = new ArrayList<>();
      int np = version < 3 ? 0 : in.readInt();
      for (int i = 0; i < np; i++) {
        positionalBanks.add(readPositional(rows, cols, in, version));
      }
      RobustNormalizer normalizer = readNormalizer(in);
      FewShotTypeCache fewShot = readFewShot(in);
      return new ScopeState(
          rows, cols, dims, banks, imageBanks, positionalBanks, normalizer, fewShot, frames,
          thresholds);
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated or corrupt scope snapshot", e);
    }
  }

  /** A positional bank (bit-exact): its parameters, then its frames' codes oldest first. */
  static void writePositional(PositionalBank b, DataOutputStream out) throws IOException {
    out.writeInt(b.dim);
    out.writeInt(b.capacity);
    out.writeInt(b.radius);
    out.writeDouble(b.calibrationPercentile);
    out.writeDouble(b.topFraction);
    long[] sequences = b.sequences();
    out.writeInt(sequences.length);
    byte[] codes = new byte[b.rows * b.cols * b.dim];
    float[] scales = new float[b.rows * b.cols];
    for (int i = 0; i < sequences.length; i++) {
      out.writeLong(sequences[i]);
      b.copyCodes(i, codes, scales);
      for (float v : scales) {
        out.writeFloat(v);
      }
      out.write(codes);
    }
  }

  static PositionalBank readPositional(int rows, int cols, DataInputStream in, int version)
      throws IOException {
    int dim = in.readInt();
    int capacity = in.readInt();
    int radius = in.readInt();
    PositionalBank b =
        new PositionalBank(rows, cols, dim, capacity, radius, in.readDouble(), in.readDouble());
    int n = in.readInt();
    if (n < 0 || n > capacity) {
      throw new IllegalArgumentException(
          "corrupt scope snapshot: " + n + " positional frames for a capacity of " + capacity);
    }
    float[] frame = new float[rows * cols * dim];
    byte[] codes = new byte[rows * cols * dim];
    float[] scales = new float[rows * cols];
    for (int i = 0; i < n; i++) {
      long sequence = in.readLong();
      if (version < 4) {
        for (int j = 0; j < frame.length; j++) {
          frame[j] = in.readFloat();
        }
        b.append(frame, sequence);
      } else {
        for (int j = 0; j < scales.length; j++) {
          scales[j] = in.readFloat();
        }
        in.readFully(codes);
        b.appendCodes(codes, scales, sequence);
      }
    }
    return b;
  }

  /** The normaliser's window (bit-exact): capacity, epsilon, size, the values oldest first. */
  static void writeNormalizer(RobustNormalizer n, DataOutputStream out) throws IOException {
    out.writeInt(n.capacity());
    out.writeDouble(n.epsilon());
    out.writeInt(n.size());
    for (double v : n.values()) {
      out.writeDouble(v);
    }
  }

  static RobustNormalizer readNormalizer(DataInputStream in) throws IOException {
    RobustNormalizer n = new RobustNormalizer(in.readInt(), in.readDouble());
    double[] values = new double[in.readInt()];
    for (int i = 0; i < values.length; i++) {
      values[i] = in.readDouble();
    }
    n.restore(values);
    return n;
  }

  /** The few-shot examples: capacity, count, then per example its type and key, oldest first. */
  static void writeFewShot(FewShotTypeCache c, DataOutputStream out) throws IOException {
    out.writeInt(c.capacity());
    out.writeInt(c.size());
    for (FewShotTypeCache.Example e : c.examples()) {
      out.writeUTF(e.type());
      out.writeInt(e.key().length);
      for (float v : e.key()) {
        out.writeFloat(v);
      }
    }
  }

  static FewShotTypeCache readFewShot(DataInputStream in) throws IOException {
    FewShotTypeCache c = new FewShotTypeCache(in.readInt());
    int n = in.readInt();
    for (int i = 0; i < n; i++) {
      String type = in.readUTF();
      float[] key = new float[in.readInt()];
      for (int d = 0; d < key.length; d++) {
        key[d] = in.readFloat();
      }
      c.restoreExample(type, key);
    }
    return c;
  }
}
