#!/bin/sh
# Checks a model folder with ONNX Runtime and DJL's tokenizer, the runtimes the worker uses:
#   src/models/verify_model_folder.sh src/models/tiny-clip-random
# Needs Java 17 and the jars a Maven build of inference-worker leaves in ~/.m2 (it runs no Maven).
set -eu
if [ $# -ne 1 ]; then
  echo "usage: $0 MODEL_FOLDER" >&2
  exit 2
fi
repo="${MAVEN_REPO:-$HOME/.m2/repository}"
jar() {  # newest version of group path $1, artifact $2
  found=$(ls -d "$repo/$1/$2"/*/ 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$found" ]; then
    echo "$0: no $2 jar under $repo/$1; build inference-worker with Maven first" >&2
    exit 1
  fi
  version=$(basename "$found")
  echo "$found$2-$version.jar"
}
cp=""
for artifact in com/microsoft/onnxruntime:onnxruntime ai/djl:api ai/djl/huggingface:tokenizers \
    com/google/code/gson:gson org/slf4j:slf4j-api; do
  path=$(jar "${artifact%%:*}" "${artifact#*:}")
  cp="$cp${cp:+:}$path"
done
exec java -cp "$cp" "$(dirname "$0")/VerifyModelFolder.java" "$1"
