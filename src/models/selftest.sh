#!/bin/sh
# Self-test of the export tool with random ViT-B/16 weights (no downloads): exports at the native
# 224 and at 288 (positional embedding interpolated 14x14 -> 18x18, plus the fp16 image tower),
# remakes tiny-clip-random into a scratch folder, and checks every folder with ONNX Runtime and
# DJL (verify_model_folder.sh). Writes about 1.5 GB under ${TMPDIR:-/tmp}; removes it afterwards.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
python=/usr/bin/python3
work=$(mktemp -d "${TMPDIR:-/tmp}/clipline-selftest.XXXXXX")
trap 'rm -rf "$work"' EXIT
"$python" "$here/clip_export.py" --arch ViT-B-16 --random-init --seed 1 --out "$work/b16-224"
"$python" "$here/clip_export.py" --arch ViT-B-16 --random-init --seed 1 --image-size 288 \
  --layers 4,8,12 --fp16 --out "$work/b16-288"
"$python" "$here/make_tiny_clip.py" --out "$work/tiny"
cmp "$work/tiny/image.onnx" "$here/tiny-clip-random/image.onnx"
cmp "$work/tiny/text.onnx" "$here/tiny-clip-random/text.onnx"
cmp "$work/tiny/reference.json" "$here/tiny-clip-random/reference.json"
for folder in b16-224 b16-288 tiny; do
  "$here/verify_model_folder.sh" "$work/$folder"
done
echo "selftest: all model folders verified"
