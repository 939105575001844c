package io.clipline.scoring.memory;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;

/**
 * The binary form of a {@link RarityBank}, part of a scope snapshot ({@link ScopeStateCodec}).
 *
 * <p>Format 3 (written): the bank's parameters, then per prototype its features, stamp, source,
 * protection, its list of nearest earlier prototypes from the head on, and its presence column as
 * one byte per value (the code of {@link RarityBank#presenceCode}); then the image sequence of
 * every presence row. A bank read back scores and evicts exactly as the one written. Format 2
 * (read only) wrote each presence value as a float; it is rounded to the presence grid on reading,
 * as the bank would have stored it. Format 1 (read only) also kept just the nearest earlier
 * prototype; the lists are then rebuilt from the prototypes.
 */
public final class RarityBankCodec {
  static final int FORMAT = 3;

  private RarityBankCodec() {}

  /** Writes the complete state of {@code b} so that {@link #read} restores it bit for bit. */
  public static void write(RarityBank b, DataOutputStream out) throws IOException {
    out.writeInt(FORMAT);
    out.writeInt(b.dim);
    out.writeInt(b.cap);
    out.writeInt(b.maxRows);
    out.writeInt(b.k);
    out.writeDouble(b.calibrationPercentile);
    out.writeDouble(b.topFraction);
    out.writeInt(b.count);
    out.writeInt(b.rowStart);
    out.writeInt(b.rowCount);
    out.writeLong(b.nextStamp);
    for (int i = 0; i < b.count * b.dim; i++) {
      out.writeFloat(b.protos[i]);
    }
    int nearest = RarityBank.NEAREST;
    for (int i = 0; i < b.count; i++) {
      out.writeLong(b.stamp[i]);
      out.writeLong(b.source[i]);
      out.writeBoolean(b.protect[i]);
      int h = b.earlierHead[i];
      int end = b.earlierEnd[i];
      out.writeByte(end - h);
      for (int e = h; e < end; e++) {
        out.writeFloat(b.earlierSim[i * nearest + e]);
        out.writeLong(b.earlierStamp[i * nearest + e]);
      }
      for (int r = 0; r < b.maxRows; r++) {
        out.writeByte(RarityBank.presenceCode(b.presence[i * b.maxRows + r]));
      }
    }
    for (int r = 0; r < b.maxRows; r++) {
      out.writeLong(b.rowSource[r]);
    }
  }

  /** Reads a bank written by {@link #write}, or by format 2 or 1. */
  public static RarityBank read(DataInputStream in) throws IOException {
    int format = in.readInt();
    if (format < 1 || format > FORMAT) {
      throw new IOException("unsupported rarity bank format " + format + ", expected 1 to " + FORMAT);
    }
    RarityBank b =
        new RarityBank(
            in.readInt(), in.readInt(), in.readInt(), in.readInt(), in.readDouble(),
            in.readDouble());
    int c = in.readInt();
    b.rowStart = in.readInt();
    b.rowCount = in.readInt();
    b.nextStamp = in.readLong();
    if (c > b.slots) {
      b.allocate(c);
    }
    b.count = c;
    for (int i = 0; i < c * b.dim; i++) {
      b.protos[i] = in.readFloat();
    }
    int nearest = RarityBank.NEAREST;
    for (int i = 0; i < c; i++) {
      b.stamp[i] = in.readLong();
      b.source[i] = in.readLong();
      b.protect[i] = in.readBoolean();
      if (format == 1) {
        in.readFloat();
        in.readLong();
      } else {
        int listed = in.readByte();
        if (listed < 0 || listed > nearest) {
          throw new IOException("corrupt rarity bank: " + listed + " nearest earlier entries");
        }
        b.earlierHead[i] = 0;
        b.earlierEnd[i] = (byte) listed;
        for (int e = 0; e < listed; e++) {
          b.earlierSim[i * nearest + e] = in.readFloat();
          b.earlierStamp[i * nearest + e] = in.readLong();
        }
      }
      for (int r = 0; r < b.maxRows; r++) {
        b.presence[i * b.maxRows + r] = format == FORMAT
            ? in.readUnsignedByte() / (float) RarityBank.PRESENCE_LEVELS
            : RarityBank.presenceLevel(in.readFloat());
      }
    }
    for (int r = 0; r < b.maxRows; r++) {
      b.rowSource[r] = in.readLong();
    }
    System.arraycopy(b.stamp, 0, b.living, 0, c);
    Arrays.sort(b.living, 0, c);
    for (int i = 0; i < c; i++) {
      if (format == 1) {
        b.recomputeNearestEarlier(i);
      } else {
        b.syncNearest(i);
      }
    }
    return b;
  }
}
