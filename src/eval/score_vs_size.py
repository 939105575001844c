#!/usr/bin/env python3
"""Does a frame's size explain its score? A diagnostic over one `clipline eval` run.

Reads the run's frames.csv (every scored frame: image path, label, defect type, normalised
score z) and the images' sizes, leaves out the warm-up frames, and prints:

- the rank correlation between size (pixels) and score over the good frames: under STRETCH a
  larger frame is shrunk more, so its texture reaches the tower finer and smoother;
- per defect type, the image AUROC of the type against all good frames, and against only the
  good frames whose size lies within the type's 10th..90th size percentiles. If the two AUROCs
  differ little, size does not explain the type's score.

Usage: /usr/bin/python3 src/eval/score_vs_size.py FRAMES_CSV DATASET_ROOT
(DATASET_ROOT is the folder the frames.csv image paths are relative to.) Needs numpy, scipy, PIL.
"""
import csv
import os
import sys

import numpy as np
from PIL import Image
from scipy.stats import mannwhitneyu, spearmanr


def auroc(positive, negative):
    if len(positive) == 0 or len(negative) == 0:
        return float('nan')
    return mannwhitneyu(positive, negative).statistic / (len(positive) * len(negative))


def main(frames_csv, root):
    with open(frames_csv, newline='') as f:
        rows = [r for r in csv.DictReader(f) if r['warmingUp'] == 'false']
    pixels = {}
    for r in rows:
        if r['image'] not in pixels:
            with Image.open(os.path.join(root, r['image'])) as image:
                pixels[r['image']] = image.size[0] * image.size[1]
    good = [r for r in rows if r['defective'] == '0']
    good_size = np.array([pixels[r['image']] for r in good])
    good_z = np.array([float(r['z']) for r in good])
    rho, p = spearmanr(good_size, good_z)
    print('good frames after warm-up: %d, median %d px; Spearman(size, z) = %.3f (p = %.2g)'
          % (len(good), np.median(good_size), rho, p))
    print('| type | frames | median px | AUROC vs all good | good in its size range | AUROC vs those |')
    print('| --- | --- | --- | --- | --- | --- |')
    for kind in sorted({r['type'] for r in rows if r['defective'] == '1'}):
        bad = [r for r in rows if r['type'] == kind and r['defective'] == '1']
        size = np.array([pixels[r['image']] for r in bad])
        z = np.array([float(r['z']) for r in bad])
        lo, hi = np.percentile(size, [10, 90])
        matched = (good_size >= lo) & (good_size <= hi)
        print('| %s | %d | %d | %.3f | %d | %.3f |' % (kind, len(bad), np.median(size),
              auroc(z, good_z), matched.sum(), auroc(z, good_z[matched])))


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
