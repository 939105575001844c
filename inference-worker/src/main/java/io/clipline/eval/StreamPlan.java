package io.clipline.eval;

import io.clipline.dataset.DatasetSample;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The order in which one scope's images are streamed in one shuffle, and which of them are
 * streamed at all.
 *
 * <p>Every shuffle puts the scope's images in its own seeded random order. The first {@code kshot}
 * good images of that order become known-good seeds (scored before the stream, left out of the
 * metrics). With a {@code defectShare} in (0, 1) the stream is made line-like: every good image
 * is kept and only enough defective images, drawn at random per shuffle, that they make up about
 * that share of the stream ({@code round(share * good / (1 - share))}, at least one when the scope
 * has any), and the kept images are put in a new random order, so that the defective ones fall
 * anywhere in the stream, as on a line, not where the full order had them (where a set holds
 * many defects, that was mostly among the scope's first frames, its warm-up). With share 0 every
 * image is streamed, as a dataset holds them.
 *
 * @param seeds known-good images scored first, in order
 * @param stream the images judged, in order
 */
record StreamPlan(List<Integer> seeds, List<Integer> stream) {

  /** The plan for the images {@code indices} (into {@code samples}) of one scope. */
  static StreamPlan of(List<DatasetSample> samples, List<Integer> indices, long seed, int kshot,
      double defectShare) {
    List<Integer> order = new ArrayList<>(indices);
    Random random = new Random(seed);
    Collections.shuffle(order, random);
    List<Integer> seeds = new ArrayList<>();
    for (int i = 0; i < order.size() && seeds.size() < kshot; i++) {
      if (!samples.get(order.get(i)).defective()) {
        seeds.add(order.get(i));
      }
    }
    order.removeAll(seeds);
    if (defectShare > 0) {
      long good = order.stream().filter(i -> !samples.get(i).defective()).count();
      long defective = order.size() - good;
      long keep = Math.min(defective,
          Math.max(defective == 0 ? 0 : 1, Math.round(defectShare * good / (1 - defectShare))));
      // The defective images come in the shuffled order, so the first `keep` are a random draw.
      List<Integer> kept = new ArrayList<>(order.size());
      long taken = 0;
      for (int i : order) {
        if (!samples.get(i).defective()) {
          kept.add(i);
        } else if (taken < keep) {
          kept.add(i);
          taken++;
        }
      }
      // Spread them: in the full order a set with a third defective has its first `keep`
      // defective images among the scope's first frames.
      Collections.shuffle(kept, random);
      order = kept;
    }
    return new StreamPlan(List.copyOf(seeds), List.copyOf(order));
  }
}
