package io.clipline.scoring.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Learned state of one scope: rarity banks (two scales per layer, and one image-level bank per
 * layer), score normaliser, frame
 * counter, thresholds and few-shot examples. {@link #toBytes}/{@link #fromBytes} use a versioned
 * binary format; a restored state scores the next frames exactly as the original would.
 */
public final class ScopeState {
  private static final int MAGIC = 0x434C5353; // "CLSS"
  private static final int VERSION = 2;

  /** Grid and per-layer dims this state was built for; fixed by the first frame. */
  public final int rows;

  /** Grid columns. */
  public final int cols;

  /** Feature dimension per layer. */
  public final int[] dims;

  /** Banks, index {@code 2 * layer + scale} (scale 0 = patch, 1 = 3x3 mean). */
  public final List<RarityBank> banks;

  /**
   * Image-level banks, one per layer: one foreground mean feature per image. Empty in a state
   * restored from a version 1 snapshot until the engine creates them.
   */
  public final List<RarityBank> imageBanks;

  /** Recent raw image scores. */
  public final RobustNormalizer normalizer;

  /** Labelled region features. */
  public final FewShotTypeCache fewShot;

  /** Frames scored so far (the last sequence number handed out). */
  public long frames;

  /** Current thresholds: ok, ng, targetFalseRejectRate, unsureBand. */
  public double[] thresholds;

  /** Creates the state; banks are supplied by the caller. */
  public ScopeState(
      int rows,
      int cols,
      int[] dims,
      List<RarityBank> banks,
      List<RarityBank> imageBanks,
      RobustNormalizer normalizer,
      FewShotTypeCache fewShot,
      long frames,
      double[] thresholds) {
    this.rows = rows;
    this.cols = cols;
    this.dims = dims.clone();
    this.banks = banks;
    this.imageBanks = imageBanks;
    this.normalizer = normalizer;
    this.fewShot = fewShot;
    this.frames = frames;
    this.thresholds = thresholds.clone();
  }

  /** Serialises the state. */
  public byte[] toBytes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeInt(VERSION);
      out.writeInt(rows);
      out.writeInt(cols);
      out.writeInt(dims.length);
      for (int d : dims) {
        out.writeInt(d);
      }
      out.writeLong(frames);
      for (double t : thresholds) {
        out.writeDouble(t);
      }
      out.writeInt(banks.size());
      for (RarityBank b : banks) {
        b.write(out);
      }
      out.writeInt(imageBanks.size());
      for (RarityBank b : imageBanks) {
        b.write(out);
      }
      normalizer.write(out);
      fewShot.write(out);
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
      if (version != VERSION && version != 1) {
        throw new IllegalArgumentException(
            "unsupported scope snapshot version " + version + ", expected " + VERSION);
      }
      int rows = in.readInt();
      int cols = in.readInt();
      int[] dims = new int[in.readInt()];
      for (int i = 0; i < dims.length; i++) {
        dims[i] = in.readInt();
      }
      long frames = in.readLong();
      double[] thresholds = new double[4];
      for (int i = 0; i < 4; i++) {
        thresholds[i] = in.readDouble();
      }
      int nb = in.readInt();
      List<RarityBank> banks = new ArrayList<>(nb);
      for (int i = 0; i < nb; i++) {
        banks.add(RarityBank.read(in));
      }
      List<RarityBank> imageBanks = new ArrayList<>();
      int ni = version == 1 ? 0 : in.readInt();
      for (int i = 0; i < ni; i++) {
        imageBanks.add(RarityBank.read(in));
      }
      RobustNormalizer normalizer = RobustNormalizer.read(in);
      FewShotTypeCache fewShot = FewShotTypeCache.read(in);
      return new ScopeState(
          rows, cols, dims, banks, imageBanks, normalizer, fewShot, frames, thresholds);
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated or corrupt scope snapshot", e);
    }
  }
}
