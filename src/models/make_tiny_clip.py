#!/usr/bin/python3
"""Makes tiny-clip-random: a tiny CLIP-shaped model with fixed random weights.

It exists for contract tests of the worker's full image + text path (manifest, preprocessing,
ONNX Runtime, tokenizer, scoring plumbing) and is small enough to commit (about 1 MB). Its
weights are random, so its scores mean nothing. Same architecture code and folder layout as a
real export (clip_export.py); the tokenizer is a small BPE vocabulary trained on Clipline's prompt
words. Rerunning gives the same files.

Run with Debian's python (see setup.sh): /usr/bin/python3 src/models/make_tiny_clip.py
"""

import argparse
import sys
from pathlib import Path
from typing import List, Optional

import torch

import clip_export as export
import clip_model as cm
import clip_tokenizer as ct

NAME = "tiny-clip-random"
SEED = 20240601
IMAGE_SIZE = 64
PATCH_LAYERS = (1, 2, 3)


def tiny_config(vocab_size: int) -> cm.ClipConfig:
    """64x64 input, 16-pixel patches (4x4 grid), width 48, 3 blocks; text width 48, 2 blocks."""
    return cm.ClipConfig(
        title="tiny",
        embed_dim=32,
        vision=cm.VisionConfig(image_size=IMAGE_SIZE, patch_size=16, width=48, layers=3,
                               heads=4),
        text=cm.TextConfig(context_length=ct.CONTEXT_LENGTH, vocab_size=vocab_size, width=48,
                           layers=2, heads=4),
        patch_layers=PATCH_LAYERS,
    )


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog="See src/models/README.md.")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / NAME,
                        metavar="DIR", help="model folder to write (default: %(default)s)")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)  # one thread: the same float sums, so the same bytes, every run
    bpe = ct.small_vocabulary()
    config = tiny_config(bpe.size)
    spec = export.FolderSpec(
        out=args.out,
        name=NAME,
        kind="clip-random",
        description=(f"Tiny CLIP-shaped model with fixed random weights (seed {SEED}) for "
                     "contract tests of the image and text paths; its scores mean nothing."),
        image_size=IMAGE_SIZE,
        layers=PATCH_LAYERS,
        fp16=False,
    )
    model = export.random_clip(config, activation="quick-gelu", seed=SEED)
    export.export_folder(model, config, bpe, spec)
    return 0


if __name__ == "__main__":
    sys.exit(main())
