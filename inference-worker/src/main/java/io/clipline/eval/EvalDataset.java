package io.clipline.eval;

import java.nio.file.Path;
import java.util.List;

/**
 * A dataset read by {@link DatasetReader}.
 *
 * @param name short name for reports (the folder name)
 * @param root folder that image ids are relative to
 * @param layout how it was laid out on disk
 * @param samples its images, sorted by id
 */
public record EvalDataset(String name, Path root, Layout layout, List<EvalSample> samples) {
  /** The on-disk layouts the reader recognises. */
  public enum Layout {
    /** {@code manifest.csv} with columns path,label,class,mask_path (paths relative to it). */
    MANIFEST,
    /** MVTec AD / VisA: {@code <cat>/test/<defect>/*.png}, {@code <cat>/ground_truth/<defect>/*_mask.png}. */
    MVTEC
  }

  public EvalDataset {
    samples = List.copyOf(samples);
  }
}
