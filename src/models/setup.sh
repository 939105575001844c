#!/bin/sh
# Installs what the model scripts need from Debian's archive (no PyPI): PyTorch, ONNX, NumPy and
# the `regex` module (CLIP's tokenizer pattern uses \p{L}). Run as root; installs only what is
# missing. The scripts then run with Debian's interpreter, /usr/bin/python3.
set -eu
packages="python3-torch python3-onnx python3-numpy python3-regex"
missing=""
for package in $packages; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $package"
  fi
done
if [ -z "$missing" ]; then
  echo "setup.sh: already installed: $packages"
  exit 0
fi
echo "setup.sh: installing$missing (python3-torch takes a few minutes)"
apt-get update
# shellcheck disable=SC2086 # word splitting of the package list is intended
apt-get install -y $missing
