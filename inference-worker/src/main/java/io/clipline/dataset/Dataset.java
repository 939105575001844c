package io.clipline.dataset;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A dataset read by {@link DatasetReader}.
 *
 * @param name short name for reports: the dataset folder's name ({@code "dataset"} at a root)
 * @param root folder that image ids and manifest paths are relative to
 * @param source what was read: the manifest CSV for {@link Layout#MANIFEST}, else {@code root}
 * @param layout how it was laid out on disk
 * @param categories the MVTec / VisA category folders found, in order (also those without
 *     images); empty for the other layouts
 * @param samples its images: manifest rows in file order, or folders and files in name order
 */
public record Dataset(
    String name,
    Path root,
    Path source,
    Layout layout,
    List<String> categories,
    List<DatasetSample> samples) {
  /** The on-disk layouts the reader recognises. */
  public enum Layout {
    /** A manifest CSV with columns path,label[,class][,mask_path] (paths relative to it). */
    MANIFEST,
    /** MVTec AD / VisA: {@code <cat>/test/<defect>/*.png}, {@code <cat>/ground_truth/<defect>/*_mask.png}. */
    MVTEC,
    /** Image files directly in the folder, unlabelled (only where {@link DatasetReader.Rules} allow it). */
    FLAT
  }

  public Dataset {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(layout, "layout");
    categories = List.copyOf(categories);
    samples = List.copyOf(samples);
  }
}
