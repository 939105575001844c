package io.clipline.scoring.memory;

import io.clipline.scoring.DefectTypeGuess;
import io.clipline.scoring.internal.Vectors;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * Tip-Adapter-style cache of operator-labelled region features (docs/SCORING.md §5), blended with
 * zero-shot type prototypes when those exist. Bounded: the oldest example goes first.
 */
public final class FewShotTypeCache {
  /** One labelled region: its type and normalised feature. */
  record Example(String type, float[] key) {}

  private final Deque<Example> examples = new ArrayDeque<>();
  private final int capacity;

  /** Empty cache holding at most {@code capacity} examples. */
  public FewShotTypeCache(int capacity) {
    this.capacity = capacity;
  }

  /** Number of examples held. */
  public int size() {
    return examples.size();
  }

  /** Adds a labelled region feature (normalised here). */
  public void add(String type, float[] feature) {
    examples.addLast(new Example(type, Vectors.normalized(feature)));
    while (examples.size() > capacity) {
      examples.removeFirst();
    }
  }

  /**
   * Softmax over {@code names} of zero-shot logits (temperature x cosine, used only when every type
   * has a prototype of the query's dimension) plus few-shot logits {@code sum exp(-beta(1 - q.k)) /
   * fewShotTemperature} per type; null when neither source applies.
   */
  public DefectTypeGuess classify(
      float[] query,
      List<String> names,
      Map<String, float[]> zeroShot,
      double typeTemperature,
      double beta,
      double fewShotTemperature) {
    float[] q = Vectors.normalized(query);
    double[] logits = new double[names.size()];
    boolean any = false;
    boolean zeroShotUsable = !zeroShot.isEmpty();
    for (String n : names) {
      float[] t = zeroShot.get(n);
      zeroShotUsable &= t != null && t.length == q.length;
    }
    if (zeroShotUsable) {
      for (int i = 0; i < names.size(); i++) {
        float[] t = Vectors.normalized(zeroShot.get(names.get(i)));
        logits[i] += typeTemperature * Vectors.dot(q, 0, t, 0, q.length);
      }
      any = true;
    }
    for (Example e : examples) {
      int i = names.indexOf(e.type());
      if (i < 0 || e.key().length != q.length) {
        continue;
      }
      double a = Math.exp(-beta * (1.0 - Vectors.dot(q, 0, e.key(), 0, q.length)));
      logits[i] += a / fewShotTemperature;
      any = true;
    }
    if (!any) {
      return null;
    }
    double max = Double.NEGATIVE_INFINITY;
    for (double l : logits) {
      max = Math.max(max, l);
    }
    double sum = 0;
    double[] p = new double[logits.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = Math.exp(logits[i] - max);
      sum += p[i];
    }
    int best = 0;
    for (int i = 1; i < p.length; i++) {
      if (p[i] > p[best]) {
        best = i;
      }
    }
    int second = -1;
    for (int i = 0; i < p.length; i++) {
      if (i != best && (second < 0 || p[i] > p[second])) {
        second = i;
      }
    }
    return new DefectTypeGuess(
        names.get(best), p[best] / sum,
        second < 0 ? null : names.get(second), second < 0 ? Double.NaN : p[second] / sum);
  }

  /** Capacity in examples. */
  public int capacity() {
    return capacity;
  }

  /** The examples held, oldest first, read-only ({@link ScopeStateCodec}). */
  Iterable<Example> examples() {
    return Collections.unmodifiableCollection(examples);
  }

  /** Appends an example as {@link ScopeStateCodec} reads it (key already normalised). */
  void restoreExample(String type, float[] key) {
    examples.addLast(new Example(type, key));
  }
}
