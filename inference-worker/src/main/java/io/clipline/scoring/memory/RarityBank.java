package io.clipline.scoring.memory;

import io.clipline.scoring.SimilarityKernel;
import io.clipline.scoring.internal.Vectors;
import java.util.Arrays;

/**
 * One RareCLIP memory for one (layer, scale) of one scope: prototypes {@code M_F} (at most {@code
 * cap}) and the presence matrix {@code M_S} over the last {@code maxRows} admitted images.
 *
 * <p>Scoring is split in two steps so that the caller can gate learning: {@link #assess} computes
 * the rarity of each patch and keeps the intermediate similarities in an {@link Assessment}; {@link
 * #admit} then learns from it (or the caller drops it). Eviction is incremental: every prototype
 * keeps its {@value #NEAREST} most similar earlier prototypes, best first. The earlier
 * prototypes of a prototype only ever leave (newer ones are never earlier), so when the best one
 * is evicted the next living entry of the list is exact; the full O(M) recomputation runs only
 * when a list runs dry.
 *
 * <p>Only the latest assessment can be admitted: the N x M similarity buffer is reused between
 * frames to keep the hot path free of large allocations.
 *
 * <p>Storage is flat: prototypes row-major {@code [slot * dim]}; presence column-major {@code
 * [slot * maxRows + physicalRow]} over a ring of rows, so moving a slot copies one contiguous
 * column. Not thread-safe. {@link RarityBankCodec} writes and reads the whole state, which is why
 * the fields are package-private.
 *
 * <p>Every presence value lies in [0, 1] and is stored on the grid of {@value #PRESENCE_LEVELS}
 * steps ({@link #presenceLevel}): a rarity is a mean of such values, so it moves by at most half a
 * step (0.002), and a snapshot carries one byte per value instead of four. The values in memory
 * are the grid's, so a bank read back scores exactly as the one written.
 *
 * <p>Longer than this project's ~400 lines per class, for a reason: the prototypes, the presence
 * ring and the incremental eviction lists are one data structure whose invariants (slot order,
 * living stamps, list heads) every operation keeps together; split, each part would have to
 * expose them to the others.
 */
public final class RarityBank {
  /** Earlier prototypes remembered per prototype for eviction repair. */
  static final int NEAREST = 8;

  /** Steps of the presence grid: a value is stored as {@code code / PRESENCE_LEVELS}. */
  static final int PRESENCE_LEVELS = 255;

  final int dim;
  final int cap;
  final int maxRows;
  final int k;
  final double calibrationPercentile;
  final double topFraction;

  int slots; // allocated prototype slots (>= cap + patches of one image)
  float[] protos;
  long[] stamp; // insertion order
  long[] source; // image sequence the prototype came from
  boolean[] protect;
  private float[] maxSimEarlier; // similarity of the nearest living earlier prototype
  private long[] nearestEarlier; // its stamp, -1 none
  // Per slot, up to NEAREST (similarity, stamp) of earlier prototypes, best first; entries of
  // evicted prototypes are skipped lazily when they reach the head.
  float[] earlierSim;
  long[] earlierStamp;
  byte[] earlierHead;
  byte[] earlierEnd;
  // Stamps of the living prototypes, ascending (stamps only grow, so adding appends).
  long[] living;
  float[] presence;
  int count;

  final long[] rowSource;
  int rowStart;
  int rowCount;
  long nextStamp;
  private long modCount;
  private long assessments; // token: only the latest assessment may be admitted
  private float[] simScratch = new float[0]; // reused N x M similarity buffer (hot path)
  private float[] selfScratch = new float[0]; // reused N x N buffer of admit

  /** Creates an empty bank; all arguments are validated by the caller's config. */
  public RarityBank(
      int dim, int cap, int maxRows, int k, double calibrationPercentile, double topFraction) {
    if (dim <= 0 || cap <= 0 || maxRows <= 0 || k <= 0) {
      throw new IllegalArgumentException(
          "dim, cap, maxRows and k must be > 0, got dim="
              + dim + " cap=" + cap + " maxRows=" + maxRows + " k=" + k);
    }
    this.dim = dim;
    this.cap = cap;
    this.maxRows = maxRows;
    this.k = k;
    this.calibrationPercentile = calibrationPercentile;
    this.topFraction = topFraction;
    this.rowSource = new long[maxRows];
    allocate(cap);
  }

  void allocate(int newSlots) {
    protos = protos == null ? new float[newSlots * dim] : Arrays.copyOf(protos, newSlots * dim);
    stamp = stamp == null ? new long[newSlots] : Arrays.copyOf(stamp, newSlots);
    source = source == null ? new long[newSlots] : Arrays.copyOf(source, newSlots);
    protect = protect == null ? new boolean[newSlots] : Arrays.copyOf(protect, newSlots);
    maxSimEarlier =
        maxSimEarlier == null ? new float[newSlots] : Arrays.copyOf(maxSimEarlier, newSlots);
    nearestEarlier =
        nearestEarlier == null ? new long[newSlots] : Arrays.copyOf(nearestEarlier, newSlots);
    earlierSim =
        earlierSim == null
            ? new float[newSlots * NEAREST]
            : Arrays.copyOf(earlierSim, newSlots * NEAREST);
    earlierStamp =
        earlierStamp == null
            ? new long[newSlots * NEAREST]
            : Arrays.copyOf(earlierStamp, newSlots * NEAREST);
    earlierHead = earlierHead == null ? new byte[newSlots] : Arrays.copyOf(earlierHead, newSlots);
    earlierEnd = earlierEnd == null ? new byte[newSlots] : Arrays.copyOf(earlierEnd, newSlots);
    living = living == null ? new long[newSlots] : Arrays.copyOf(living, newSlots);
    presence =
        presence == null
            ? new float[newSlots * maxRows]
            : Arrays.copyOf(presence, newSlots * maxRows);
    slots = newSlots;
  }

  /** Feature dimension. */
  public int dim() {
    return dim;
  }

  /** Number of stored prototypes. */
  public int prototypeCount() {
    return count;
  }

  /** Number of stored image rows. */
  public int rowCount() {
    return rowCount;
  }

  /** Prototype capacity {@code C_F}. */
  public int cap() {
    return cap;
  }

  /** Number of protected prototypes (k-shot seeds). */
  public int protectedCount() {
    int p = 0;
    for (int i = 0; i < count; i++) {
      if (protect[i]) {
        p++;
      }
    }
    return p;
  }

  /** Result of {@link #assess}: per-patch rarity plus what {@link #admit} needs. */
  public static final class Assessment {
    final float[] features;
    final int patches;
    final float[] sim; // patches x count, as of assessment
    final float[] presenceOfPatch; // patches x rowCount, logical row order
    final double calibration;
    final SimilarityKernel kernel;
    final long modCount;
    final long token;
    final float[] rarity;

    Assessment(
        float[] features,
        int patches,
        float[] sim,
        float[] presenceOfPatch,
        double calibration,
        SimilarityKernel kernel,
        long modCount,
        long token,
        float[] rarity) {
      this.features = features;
      this.patches = patches;
      this.sim = sim;
      this.presenceOfPatch = presenceOfPatch;
      this.calibration = calibration;
      this.kernel = kernel;
      this.modCount = modCount;
      this.token = token;
      this.rarity = rarity;
    }

    /** Rarity a_n in [0, 1] per patch; all zero when the bank is empty. */
    public float[] rarity() {
      return rarity;
    }

    /** The calibration divisor used (99th percentile of the k-NN similarities, or 1). */
    public double calibration() {
      return calibration;
    }
  }

  /** {@link #assess(float[], int, SimilarityKernel)} with the engine's Java kernel. */
  public Assessment assess(float[] features, int patches) {
    return assess(features, patches, SimilarityKernel.JAVA);
  }

  /**
   * Rarity of each of the {@code patches} L2-normalised feature rows in {@code features} (kept by
   * reference until {@link #admit}; do not modify it in between). {@code kernel} computes every
   * similarity of this assessment and of its {@link #admit}.
   */
  public Assessment assess(float[] features, int patches, SimilarityKernel kernel) {
    if (features.length != patches * dim) {
      throw new IllegalArgumentException(
          "expected " + patches + " x " + dim + " features, got " + features.length + " values");
    }
    int m = count;
    if (simScratch.length < patches * m) {
      simScratch = new float[patches * m];
    }
    float[] sim = simScratch;
    long token = ++assessments;
    kernel.multiplyTransposed(features, patches, protos, m, dim, sim);
    float[] rarity = new float[patches];
    if (m == 0 || rowCount == 0) {
      return new Assessment(
          features, patches, sim, new float[0], 1.0, kernel, modCount, token, rarity);
    }
    int kk = Math.min(k, m);
    int[] topIdx = new int[patches * kk];
    float[] topSim = new float[patches * kk];
    for (int n = 0; n < patches; n++) {
      topK(sim, n * m, m, kk, topIdx, topSim, n * kk);
    }
    double q = Vectors.percentile(topSim, topSim.length, calibrationPercentile);
    if (!(q > 0)) {
      q = 1.0;
    }
    float inv = (float) (1.0 / q);
    for (int i = 0; i < topSim.length; i++) {
      topSim[i] = clamp01(topSim[i] * inv);
    }
    int t = rowCount;
    float[] p = new float[patches * t];
    // The ring of rows as two contiguous runs: logical [0, first) then [first, t).
    int first = Math.min(t, maxRows - rowStart);
    for (int n = 0; n < patches; n++) {
      for (int j = 0; j < kk; j++) {
        float w = topSim[n * kk + j] / kk;
        if (w == 0f) {
          continue;
        }
        int col = topIdx[n * kk + j] * maxRows;
        int o = n * t;
        int c = col + rowStart;
        for (int r = 0; r < first; r++) {
          p[o + r] += w * presence[c + r];
        }
        c = col - first;
        for (int r = first; r < t; r++) {
          p[o + r] += w * presence[c + r];
        }
      }
    }
    int keep = Math.max(1, (int) Math.ceil(topFraction * t - 1e-9));
    float[] column = new float[t];
    for (int n = 0; n < patches; n++) {
      System.arraycopy(p, n * t, column, 0, t);
      rarity[n] = clamp01((float) (1.0 - Vectors.sumOfLargest(column, t, keep) / keep));
    }
    return new Assessment(features, patches, sim, p, q, kernel, modCount, token, rarity);
  }

  private static void topK(
      float[] sim, int off, int m, int kk, int[] idx, float[] val, int outOff) {
    for (int j = 0; j < kk; j++) {
      val[outOff + j] = Float.NEGATIVE_INFINITY;
      idx[outOff + j] = -1;
    }
    for (int j = 0; j < m; j++) {
      float s = sim[off + j];
      if (s > val[outOff + kk - 1]) {
        int pos = kk - 1;
        while (pos > 0 && s > val[outOff + pos - 1]) {
          val[outOff + pos] = val[outOff + pos - 1];
          idx[outOff + pos] = idx[outOff + pos - 1];
          pos--;
        }
        val[outOff + pos] = s;
        idx[outOff + pos] = j;
      }
    }
  }

  private int physical(int logicalRow) {
    int r = rowStart + logicalRow;
    return r >= maxRows ? r - maxRows : r;
  }

  private static float clamp01(float v) {
    return v > 1f ? 1f : (v > 0f ? v : 0f);
  }

  /** The code, 0 to {@value #PRESENCE_LEVELS}, of the grid step nearest {@code v} (clipped to [0, 1]). */
  static int presenceCode(float v) {
    return Math.round(clamp01(v) * PRESENCE_LEVELS);
  }

  /** {@code v} clipped to [0, 1] and rounded to the presence grid. */
  static float presenceLevel(float v) {
    return presenceCode(v) / (float) PRESENCE_LEVELS;
  }

  /**
   * Learns from an assessed image: adds its presence row and its patches as prototypes, drops the
   * oldest row past {@code maxRows} and evicts the most redundant prototypes past {@code cap}.
   *
   * @param sequence the image's sequence number (used by {@link #forget})
   * @param protectPrototypes true for k-shot seeds: evicted only when nothing else is left
   */
  public void admit(Assessment a, long sequence, boolean protectPrototypes) {
    if (a.modCount != modCount || a.token != assessments) {
      throw new IllegalStateException(
          "bank changed or was assessed again since this assessment; assess again");
    }
    int n = a.patches;
    int m = count;
    if (m + n > slots) {
      allocate(m + n);
    }
    float inv = (float) (1.0 / a.calibration);
    // Current row: existing prototypes get their calibrated max similarity to this image.
    float[] cur = new float[m];
    for (int i = 0; i < n; i++) {
      int o = i * m;
      for (int j = 0; j < m; j++) {
        cur[j] = Math.max(cur[j], a.sim[o + j]);
      }
    }
    int t = rowCount;
    // Similarities among the new prototypes, for their nearest earlier prototypes.
    if (selfScratch.length < n * n) {
      selfScratch = new float[n * n];
    }
    float[] self = selfScratch;
    a.kernel.multiplyTransposed(a.features, n, a.features, n, dim, self);
    // New prototypes: their column is P for past rows.
    for (int i = 0; i < n; i++) {
      int slot = m + i;
      System.arraycopy(a.features, i * dim, protos, slot * dim, dim);
      stamp[slot] = nextStamp++;
      source[slot] = sequence;
      protect[slot] = protectPrototypes;
      int col = slot * maxRows;
      Arrays.fill(presence, col, col + maxRows, 0f);
      for (int r = 0; r < t; r++) {
        presence[col + physical(r)] =
            a.presenceOfPatch.length == 0 ? 0f : presenceLevel(a.presenceOfPatch[i * t + r]);
      }
      earlierHead[slot] = 0;
      earlierEnd[slot] = 0;
      for (int j = 0; j < m; j++) {
        offerEarlier(slot, a.sim[i * m + j], stamp[j]);
      }
      for (int e = 0; e < i; e++) {
        offerEarlier(slot, self[i * n + e], stamp[m + e]);
      }
      living[m + i] = stamp[slot];
      syncNearest(slot);
    }
    count = m + n;
    // Append the current row, dropping the oldest when full.
    int row;
    if (rowCount < maxRows) {
      row = physical(rowCount);
      rowCount++;
    } else {
      row = rowStart;
      rowStart = rowStart + 1 == maxRows ? 0 : rowStart + 1;
    }
    rowSource[row] = sequence;
    for (int j = 0; j < m; j++) {
      presence[j * maxRows + row] = presenceLevel(cur[j] * inv);
    }
    for (int i = 0; i < n; i++) {
      presence[(m + i) * maxRows + row] = 1f;
    }
    while (count > cap) {
      evict(mostRedundant());
    }
    modCount++;
  }

  /** The non-protected prototype most similar to an earlier one (protected only if none left). */
  private int mostRedundant() {
    int best = -1;
    boolean bestProtected = true;
    for (int i = 0; i < count; i++) {
      boolean p = protect[i];
      if (best < 0
          || (bestProtected && !p)
          || (p == bestProtected
              && (maxSimEarlier[i] > maxSimEarlier[best]
                  || (maxSimEarlier[i] == maxSimEarlier[best] && stamp[i] > stamp[best])))) {
        best = i;
        bestProtected = p;
      }
    }
    return best;
  }

  /**
   * Inserts (sim, stamp) into the slot's list of nearest earlier prototypes if it belongs to the
   * best {@link #NEAREST}; order: higher similarity first, later stamp first on ties. Only used
   * while the list is built, when its head is 0.
   */
  private void offerEarlier(int slot, float sim, long earlierStamp) {
    int base = slot * NEAREST;
    int end = earlierEnd[slot];
    if (end == NEAREST && !before(sim, earlierStamp, earlierSim[base + end - 1],
        this.earlierStamp[base + end - 1])) {
      return;
    }
    int pos = end == NEAREST ? end - 1 : end;
    while (pos > 0 && before(sim, earlierStamp, earlierSim[base + pos - 1],
        this.earlierStamp[base + pos - 1])) {
      earlierSim[base + pos] = earlierSim[base + pos - 1];
      this.earlierStamp[base + pos] = this.earlierStamp[base + pos - 1];
      pos--;
    }
    earlierSim[base + pos] = sim;
    this.earlierStamp[base + pos] = earlierStamp;
    if (end < NEAREST) {
      earlierEnd[slot] = (byte) (end + 1);
    }
  }

  private static boolean before(float sim, long stamp, float otherSim, long otherStamp) {
    return sim > otherSim || (sim == otherSim && stamp > otherStamp);
  }

  /** Sets maxSimEarlier / nearestEarlier from the head of the slot's list (none when empty). */
  void syncNearest(int slot) {
    int h = earlierHead[slot];
    if (h < earlierEnd[slot]) {
      maxSimEarlier[slot] = earlierSim[slot * NEAREST + h];
      nearestEarlier[slot] = earlierStamp[slot * NEAREST + h];
    } else {
      maxSimEarlier[slot] = Float.NEGATIVE_INFINITY;
      nearestEarlier[slot] = -1;
    }
  }

  /** Removes the prototype in {@code slot}, repairing the prototypes that pointed at it. */
  private void evict(int slot) {
    long gone = stamp[slot];
    int at = Arrays.binarySearch(living, 0, count, gone);
    System.arraycopy(living, at + 1, living, at, count - at - 1);
    int last = count - 1;
    if (slot != last) {
      moveSlot(last, slot);
    }
    count--;
    for (int i = 0; i < count; i++) {
      if (nearestEarlier[i] == gone) {
        repairNearestEarlier(i);
      }
    }
  }

  /** Advances the slot's list past evicted entries; recomputes it only when it runs dry. */
  private void repairNearestEarlier(int i) {
    int base = i * NEAREST;
    int h = earlierHead[i];
    int end = earlierEnd[i];
    while (h < end && Arrays.binarySearch(living, 0, count, earlierStamp[base + h]) < 0) {
      h++;
    }
    earlierHead[i] = (byte) h;
    if (h == end) {
      recomputeNearestEarlier(i);
    } else {
      syncNearest(i);
    }
  }

  private void moveSlot(int from, int to) {
    System.arraycopy(protos, from * dim, protos, to * dim, dim);
    System.arraycopy(presence, from * maxRows, presence, to * maxRows, maxRows);
    stamp[to] = stamp[from];
    source[to] = source[from];
    protect[to] = protect[from];
    maxSimEarlier[to] = maxSimEarlier[from];
    nearestEarlier[to] = nearestEarlier[from];
    System.arraycopy(earlierSim, from * NEAREST, earlierSim, to * NEAREST, NEAREST);
    System.arraycopy(earlierStamp, from * NEAREST, earlierStamp, to * NEAREST, NEAREST);
    earlierHead[to] = earlierHead[from];
    earlierEnd[to] = earlierEnd[from];
  }

  /** Full recomputation, in Java: one row against the bank is too small to hand to a kernel. */
  void recomputeNearestEarlier(int i) {
    earlierHead[i] = 0;
    earlierEnd[i] = 0;
    for (int j = 0; j < count; j++) {
      if (stamp[j] < stamp[i]) {
        offerEarlier(i, Vectors.dot(protos, i * dim, protos, j * dim, dim), stamp[j]);
      }
    }
    syncNearest(i);
  }

  /** Whether the bank holds the presence row of image {@code sequence}. */
  public boolean holds(long sequence) {
    for (int r = 0; r < rowCount; r++) {
      if (rowSource[physical(r)] == sequence) {
        return true;
      }
    }
    return false;
  }

  /**
   * Removes everything learned from image {@code sequence} (its row and its prototypes), e.g. when
   * an operator labels it defective. Returns true when something was removed.
   */
  public boolean forget(long sequence) {
    boolean changed = false;
    for (int i = count - 1; i >= 0; i--) {
      if (source[i] == sequence) {
        evict(i);
        changed = true;
      }
    }
    for (int r = rowCount - 1; r >= 0; r--) {
      if (rowSource[physical(r)] == sequence) {
        removeRow(r);
        changed = true;
      }
    }
    if (changed) {
      modCount++;
    }
    return changed;
  }

  private void removeRow(int logical) {
    for (int r = logical; r < rowCount - 1; r++) {
      int dst = physical(r);
      int src = physical(r + 1);
      rowSource[dst] = rowSource[src];
      for (int j = 0; j < count; j++) {
        presence[j * maxRows + dst] = presence[j * maxRows + src];
      }
    }
    rowCount--;
  }

  /** Prototype insertion stamps in slot order (tests and diagnostics). */
  public long[] prototypeStamps() {
    return Arrays.copyOf(stamp, count);
  }

  /** Prototype sources in slot order (tests and diagnostics). */
  public long[] prototypeSources() {
    return Arrays.copyOf(source, count);
  }

  /** Presence of prototype {@code slot} in logical row {@code row} (tests and diagnostics). */
  public float presence(int row, int slot) {
    return presence[slot * maxRows + physical(row)];
  }
}
