#!/usr/bin/python3
"""Exports a CLIP model (ViT-B/16 or ViT-L/14@336) to a Clipline model folder.

The folder holds image.onnx, text.onnx, tokenizer.json, clipline-model.json (docs/MODEL_FORMAT.md)
and reference.json (inputs and PyTorch outputs for the Java contract tests). Weights come from an
OpenAI CLIP `.pt` file or an OpenCLIP state dict (`.bin`/`.pt`/`.safetensors`) of the same
architecture; `--random-init` builds the architecture with seeded random weights instead (plumbing
tests only: such a model's scores mean nothing).

Image tower: pixel_values float32 [N, 3, S, S] -> image_embeds [N, E] (ln_post'ed, projected CLS)
and patch_tokens_<layer> [N, grid*grid, width] (raw output of that 1-based block, CLS dropped, no
LayerNorm, no projection). Text tower: input_ids int64 [N, 77] -> text_embeds [N, E], pooled at the
first end-of-text token. Embeddings are not L2-normalised. N is symbolic everywhere.

Run with Debian's python (see setup.sh): /usr/bin/python3 src/models/clip_export.py --help
"""

import argparse
import json
import struct
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

import clip_model as cm
import clip_tokenizer as ct

OPSET = 17
MANIFEST_FORMAT = 1
OPENAI_MEAN = [0.48145466, 0.4578275, 0.40821073]
OPENAI_STD = [0.26862954, 0.26130258, 0.27577711]

IMAGE_FILE = "image.onnx"
IMAGE_FP16_FILE = "image-fp16.onnx"
TEXT_FILE = "text.onnx"
TOKENIZER_FILE = "tokenizer.json"
MANIFEST_FILE = "clipline-model.json"
REFERENCE_FILE = "reference.json"

IMAGE_INPUT = "pixel_values"
IMAGE_EMBEDS = "image_embeds"
TEXT_INPUT = "input_ids"
TEXT_EMBEDS = "text_embeds"

REFERENCE_BATCH = 2
REFERENCE_VALUES = 64
REFERENCE_TOLERANCE = 1e-4
REFERENCE_INPUT = "sin(0.001*i)"
REFERENCE_PROMPTS = (
    "a photo of a flawless object.",
    "a close-up photo of the damaged texture for visual inspection.",
    "A  photo of a Bottle with a Blowhole, 3 scratches & café-stain!",
    "a photo of a " + "perfect " * 80 + "screw.",
)


class ExportError(Exception):
    """A problem the user can fix (a missing file, a mismatched option); printed without a trace."""


@dataclass(frozen=True)
class FolderSpec:
    """What goes into the manifest besides the architecture."""

    out: Path
    name: str
    kind: str
    description: str
    image_size: int
    layers: Tuple[int, ...]
    fp16: bool


def patch_output(layer: int) -> str:
    return f"patch_tokens_{layer}"


# ---------------------------------------------------------------- weights


_SAFETENSORS_DTYPES = {"F64": torch.float64, "F32": torch.float32, "F16": torch.float16,
                       "BF16": torch.bfloat16}


def read_state_dict(path: Path) -> Dict[str, torch.Tensor]:
    """Tensors of an OpenAI TorchScript `.pt`, a torch-saved state dict, or a `.safetensors`."""
    if not path.is_file():
        raise ExportError(
            f"weights file {path} not found; pass --weights with the path of an OpenAI CLIP .pt "
            "file (e.g. ViT-L-14-336px.pt) or an OpenCLIP state dict (.bin/.pt/.safetensors), or "
            "--random-init for a random-weight model")
    if path.suffix == ".safetensors":
        return _read_safetensors(path)
    try:
        return dict(torch.jit.load(str(path), map_location="cpu").state_dict())
    except RuntimeError:
        pass  # not TorchScript: a pickled state dict
    try:
        loaded = torch.load(str(path), map_location="cpu", weights_only=True)
    except Exception as error:  # torch raises many types for foreign files
        raise ExportError(f"{path} is neither TorchScript nor a torch state dict of tensors "
                          f"({type(error).__name__})") from error
    return _unwrap_state_dict(loaded, path)


def _unwrap_state_dict(loaded: object, path: Path) -> Dict[str, torch.Tensor]:
    """Accepts training checkpoints ({'state_dict': ...}) and DataParallel 'module.' prefixes."""
    if isinstance(loaded, dict) and isinstance(loaded.get("state_dict"), dict):
        loaded = loaded["state_dict"]
    if not isinstance(loaded, dict):
        raise ExportError(f"{path} holds a {type(loaded).__name__}, not a state dict")
    return {key[len("module."):] if key.startswith("module.") else key: value
            for key, value in loaded.items()}


def _read_safetensors(path: Path) -> Dict[str, torch.Tensor]:
    """A minimal reader of the safetensors layout: u64 header size, JSON header, raw data."""
    data = memoryview(path.read_bytes())
    try:
        (header_size,) = struct.unpack("<Q", data[:8])
        header = json.loads(bytes(data[8:8 + header_size]))
    except (struct.error, ValueError) as error:
        raise ExportError(f"{path} is not a safetensors file: {error}") from error
    header.pop("__metadata__", None)
    body = data[8 + header_size:]
    tensors = {}
    for name, info in header.items():
        dtype = _SAFETENSORS_DTYPES.get(info["dtype"])
        if dtype is None:
            raise ExportError(f"{path}: tensor {name} has unsupported dtype {info['dtype']}")
        start, end = info["data_offsets"]
        tensor = torch.frombuffer(bytearray(body[start:end]), dtype=dtype)
        tensors[name] = tensor.reshape(info["shape"])
    return tensors


def load_clip(config: cm.ClipConfig, activation: str, weights: Path) -> cm.CLIP:
    model = cm.build_clip(config, activation)
    try:
        cm.load_weights(model, read_state_dict(weights))
    except ValueError as error:
        raise ExportError(
            f"{weights} does not match architecture {config.title}: {error}") from error
    return model


def random_clip(config: cm.ClipConfig, activation: str, seed: int) -> cm.CLIP:
    model = cm.build_clip(config, activation)
    cm.random_init(model, seed)
    return model


def read_openai_vocab(path: Path) -> ct.ClipBpe:
    try:
        return ct.from_openai_vocab(path)
    except (OSError, ValueError) as error:
        raise ExportError(str(error)) from error


# ---------------------------------------------------------------- ONNX


def _export_onnx(module: torch.nn.Module, example: torch.Tensor, path: Path, input_name: str,
                 output_shapes: Dict[str, Sequence[int]]) -> None:
    """Exports with a symbolic batch dimension "batch" on the input and every output."""
    output_names = list(output_shapes)
    axes = {name: {0: "batch"} for name in (input_name, *output_names)}
    with torch.no_grad():
        torch.onnx.export(module, (example,), str(path), input_names=[input_name],
                          output_names=output_names, dynamic_axes=axes,
                          opset_version=OPSET, do_constant_folding=True)
    _fix_output_shapes(path, output_shapes)
    onnx.checker.check_model(str(path))


def _fix_output_shapes(path: Path, shapes: Dict[str, Sequence[int]]) -> None:
    """Declares the static sizes (all but the batch) the exporter leaves symbolic after Slice."""
    model = onnx.load(str(path))
    for output in model.graph.output:
        dims = output.type.tensor_type.shape.dim
        for dim, size in zip(list(dims)[1:], shapes[output.name][1:]):
            dim.Clear()
            dim.dim_value = size
    onnx.save(model, str(path))


def convert_to_fp16(model: onnx.ModelProto) -> onnx.ModelProto:
    """Float16 weights and arithmetic; float32 inputs and outputs (casts at the boundary)."""
    graph = model.graph
    for index, initializer in enumerate(graph.initializer):
        graph.initializer[index].CopyFrom(_tensor_to_fp16(initializer))
    for node in graph.node:
        for attribute in node.attribute:
            if attribute.type == onnx.AttributeProto.TENSOR:
                attribute.t.CopyFrom(_tensor_to_fp16(attribute.t))
            if node.op_type == "Cast" and attribute.name == "to" and attribute.i == TensorProto.FLOAT:
                attribute.i = TensorProto.FLOAT16
    for value in graph.input:
        if value.type.tensor_type.elem_type == TensorProto.FLOAT:
            _rename_uses(graph, value.name, value.name + "_fp16")
            graph.node.insert(0, helper.make_node(
                "Cast", [value.name], [value.name + "_fp16"], to=TensorProto.FLOAT16))
    for value in graph.output:
        if value.type.tensor_type.elem_type == TensorProto.FLOAT:
            _rename_uses(graph, value.name, value.name + "_fp16")
            graph.node.append(helper.make_node(
                "Cast", [value.name + "_fp16"], [value.name], to=TensorProto.FLOAT))
    del graph.value_info[:]
    return model


def _tensor_to_fp16(tensor: onnx.TensorProto) -> onnx.TensorProto:
    if tensor.data_type != TensorProto.FLOAT:
        return tensor
    return numpy_helper.from_array(numpy_helper.to_array(tensor).astype(np.float16), tensor.name)


def _rename_uses(graph: onnx.GraphProto, old: str, new: str) -> None:
    """Renames a tensor wherever nodes produce or consume it (graph inputs/outputs untouched)."""
    for node in graph.node:
        for names in (node.input, node.output):
            for index, name in enumerate(names):
                if name == old:
                    names[index] = new


def export_image_tower(model: cm.CLIP, spec: FolderSpec) -> Dict[str, np.ndarray]:
    """Writes image.onnx (and image-fp16.onnx); returns the PyTorch outputs on the reference input."""
    tower = cm.ImageTower(model, spec.layers).eval()
    names = [IMAGE_EMBEDS, *(patch_output(layer) for layer in spec.layers)]
    pixels = reference_pixels((REFERENCE_BATCH, 3, spec.image_size, spec.image_size))
    with torch.no_grad():
        outputs = {name: output.numpy() for name, output in zip(names, tower(pixels))}
    _export_onnx(tower, pixels, spec.out / IMAGE_FILE, IMAGE_INPUT,
                 {name: output.shape for name, output in outputs.items()})
    fp16_path = spec.out / IMAGE_FP16_FILE
    if spec.fp16:
        fp16 = convert_to_fp16(onnx.load(str(spec.out / IMAGE_FILE)))
        onnx.checker.check_model(fp16, full_check=True)
        onnx.save(fp16, str(fp16_path))
    elif fp16_path.exists():
        fp16_path.unlink()  # left over from an earlier --fp16 export into this folder
    return outputs


def export_text_tower(model: cm.CLIP, bpe: ct.ClipBpe, spec: FolderSpec,
                      input_ids: List[List[int]]) -> Dict[str, np.ndarray]:
    """Writes text.onnx; returns the PyTorch output for the reference prompts."""
    tower = cm.TextTower(model, bpe.end_id).eval()
    ids = torch.tensor(input_ids, dtype=torch.int64)
    with torch.no_grad():
        outputs = {TEXT_EMBEDS: tower(ids).numpy()}
    _export_onnx(tower, ids, spec.out / TEXT_FILE, TEXT_INPUT,
                 {name: output.shape for name, output in outputs.items()})
    return outputs


# ---------------------------------------------------------------- manifest and reference


def reference_pixels(shape: Tuple[int, ...]) -> torch.Tensor:
    """input[i] = sin(0.001 * i) over the flat row-major index, in float64, rounded to float32."""
    index = np.arange(int(np.prod(shape)), dtype=np.float64)
    return torch.from_numpy(np.sin(0.001 * index).astype(np.float32).reshape(shape))


def summarize(array: np.ndarray) -> dict:
    flat = array.astype(np.float64).ravel()
    return {"shape": list(array.shape),
            "values": [float(v) for v in array.ravel()[:REFERENCE_VALUES]],
            "sum": float(flat.sum()),
            "abs_sum": float(np.abs(flat).sum())}


def manifest(config: cm.ClipConfig, spec: FolderSpec) -> dict:
    grid = spec.image_size // config.vision.patch_size
    image = {"file": IMAGE_FILE}
    if spec.fp16:
        image["fp16File"] = IMAGE_FP16_FILE
    image.update({
        "input": IMAGE_INPUT,
        "height": spec.image_size,
        "width": spec.image_size,
        "resize": "SHORT_SIDE_CENTER_CROP",
        "interpolation": "BICUBIC",
        "channels": "RGB",
        "mean": OPENAI_MEAN,
        "std": OPENAI_STD,
        "grid": [grid, grid],
        "embedding": IMAGE_EMBEDS,
        "patches": [{"output": patch_output(layer), "layer": layer, "dim": config.vision.width}
                    for layer in spec.layers],
    })
    return {
        "format": MANIFEST_FORMAT,
        "name": spec.name,
        "kind": spec.kind,
        "description": spec.description,
        "image": image,
        "text": {"file": TEXT_FILE, "input": TEXT_INPUT, "output": TEXT_EMBEDS,
                 "tokenizer": TOKENIZER_FILE, "contextLength": config.text.context_length},
        "patchProjection": None,
    }


def reference(spec: FolderSpec, image_outputs: Dict[str, np.ndarray],
              input_ids: List[List[int]], text_outputs: Dict[str, np.ndarray]) -> dict:
    shape = [REFERENCE_BATCH, 3, spec.image_size, spec.image_size]
    return {
        "about": (f"Outputs of {IMAGE_FILE} and {TEXT_FILE} computed with PyTorch by the script "
                  "that made this folder. 'values' are the first "
                  f"{REFERENCE_VALUES} values of the output flattened row-major; 'sum' and "
                  "'abs_sum' are over all values, accumulated in float64. ONNX Runtime matches "
                  "when |actual - value| <= tolerance * max(1, |value|) for each value, and "
                  "|actual sum - sum| <= tolerance * abs_sum (likewise abs_sum)."),
        "tolerance": REFERENCE_TOLERANCE,
        "image": {
            "input_name": IMAGE_INPUT,
            "input_shape": shape,
            "input": REFERENCE_INPUT,
            "input_rule": ("input[i] = (float) sin(0.001 * i) for the flat row-major index i = 0 "
                           f"... {int(np.prod(shape)) - 1}, computed in double precision and "
                           "rounded to float32; it is fed as is (no mean/std applied)"),
            "outputs": {name: summarize(value) for name, value in image_outputs.items()},
        },
        "text": {
            "input_name": TEXT_INPUT,
            "prompts": list(REFERENCE_PROMPTS),
            "input_ids": input_ids,
            "input_ids_rule": ("tokenizer.json with special tokens; a sequence longer than "
                               "contextLength keeps its first contextLength-1 ids and the "
                               "end-of-text id; a shorter one is padded with padding.pad_id"),
            "outputs": {name: summarize(value) for name, value in text_outputs.items()},
        },
    }


def _write_json(path: Path, document: dict) -> None:
    path.write_text(_format_json(document) + "\n", encoding="utf-8")


def _format_json(value: object, indent: str = "") -> str:
    """Indented JSON with lists of numbers or strings kept on one line."""
    inner = indent + "  "
    if isinstance(value, dict) and value:
        items = [f"{inner}{json.dumps(key)}: {_format_json(item, inner)}"
                 for key, item in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + indent + "}"
    if isinstance(value, list) and any(isinstance(item, (dict, list)) for item in value):
        items = [inner + _format_json(item, inner) for item in value]
        return "[\n" + ",\n".join(items) + "\n" + indent + "]"
    return json.dumps(value, ensure_ascii=False)


def export_folder(model: cm.CLIP, config: cm.ClipConfig, bpe: ct.ClipBpe,
                  spec: FolderSpec) -> None:
    """Writes the whole model folder from a built (loaded or random) model at its native size."""
    if bpe.size > config.text.vocab_size:
        raise ExportError(f"the tokenizer has {bpe.size} tokens but the text tower embeds only "
                          f"{config.text.vocab_size}")
    spec.out.mkdir(parents=True, exist_ok=True)
    model.visual.resize_grid(spec.image_size // config.vision.patch_size)
    _log(f"{spec.out / IMAGE_FILE}: {config.title} at {spec.image_size}x{spec.image_size}, "
         f"patch tokens of blocks {','.join(map(str, spec.layers))}")
    image_outputs = export_image_tower(model, spec)
    input_ids = [bpe.encode_fixed(prompt, config.text.context_length)
                 for prompt in REFERENCE_PROMPTS]
    _log(f"{spec.out / TEXT_FILE}: text tower, vocabulary of {bpe.size} tokens")
    text_outputs = export_text_tower(model, bpe, spec, input_ids)
    _write_json(spec.out / TOKENIZER_FILE, bpe.to_json(config.text.context_length))
    _write_json(spec.out / MANIFEST_FILE, manifest(config, spec))
    _write_json(spec.out / REFERENCE_FILE,
                reference(spec, image_outputs, input_ids, text_outputs))
    _log(f"{spec.out}: done ({spec.kind})")


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- command line


def parse_layers(text: str) -> Tuple[int, ...]:
    try:
        layers = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated block numbers, got {text!r}")
    if len(set(layers)) != len(layers):
        raise argparse.ArgumentTypeError(f"block numbers repeat in {text!r}")
    return layers


def check_layers(layers: Tuple[int, ...], config: cm.ClipConfig) -> None:
    depth = config.vision.layers
    outside = [layer for layer in layers if not 1 <= layer <= depth]
    if outside:
        raise ExportError(f"--layers {outside} outside 1..{depth} for {config.title}")


def check_image_size(size: int, config: cm.ClipConfig) -> None:
    patch = config.vision.patch_size
    if size <= 0 or size % patch:
        raise ExportError(f"--image-size {size} must be a positive multiple of the patch size "
                          f"{patch} of {config.title}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0] + " See src/models/README.md.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "examples:\n"
            "  clip_export.py --arch ViT-L-14-336 --weights ViT-L-14-336px.pt \\\n"
            "      --bpe-vocab bpe_simple_vocab_16e6.txt.gz --image-size 518 \\\n"
            "      --layers 6,12,18,24 --fp16 --out models/clip-vit-l-14-336-518\n"
            "  clip_export.py --arch ViT-B-16 --random-init --out /tmp/clip-b16-random"))
    parser.add_argument("--arch", required=True, choices=sorted(cm.ARCHITECTURES),
                        help="architecture (OpenAI names: ViT-B/16, ViT-L/14@336px)")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--weights", type=Path, metavar="FILE",
                        help="OpenAI CLIP .pt (TorchScript or state dict) or OpenCLIP state dict "
                             "(.bin, .pt, .safetensors) of the chosen architecture")
    source.add_argument("--random-init", action="store_true",
                        help="seeded random weights instead of --weights: plumbing tests only, "
                             "the model's scores mean nothing")
    parser.add_argument("--seed", type=int, default=0,
                        help="seed of --random-init (default: %(default)s)")
    parser.add_argument("--bpe-vocab", type=Path, metavar="FILE",
                        help="OpenAI's bpe_simple_vocab_16e6.txt.gz, converted into "
                             "tokenizer.json; required with --weights. Without it --random-init "
                             "uses a small BPE vocabulary trained on Clipline's prompt words")
    parser.add_argument("--image-size", type=int, metavar="PIXELS",
                        help="square input size; the positional embedding is interpolated "
                             "bicubically (default: the architecture's, 224 or 336)")
    parser.add_argument("--layers", type=parse_layers, metavar="L1,L2,...",
                        help="1-based transformer blocks exported as patch_tokens_<L> "
                             "(default: 3,6,9,12 for ViT-B-16, 6,12,18,24 for ViT-L-14-336)")
    parser.add_argument("--activation", choices=cm.ACTIVATIONS, default="quick-gelu",
                        help="MLP activation: quick-gelu for OpenAI weights and OpenCLIP "
                             "'-quickgelu' models, gelu for other OpenCLIP (LAION, DataComp) "
                             "weights (default: %(default)s)")
    parser.add_argument("--fp16", action="store_true",
                        help=f"also write {IMAGE_FP16_FILE} (float16 weights and arithmetic, "
                             "float32 input and outputs; for GPUs), named as image.fp16File")
    parser.add_argument("--name", help="model name in the manifest (default: from the options)")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR",
                        help="model folder to write (created if missing)")
    return parser


def _folder_spec(args: argparse.Namespace, config: cm.ClipConfig) -> FolderSpec:
    size = args.image_size or config.vision.image_size
    layers = args.layers or config.patch_layers
    check_image_size(size, config)
    check_layers(layers, config)
    arch = args.arch.lower()
    if args.random_init:
        kind, name = "clip-random", f"clip-{arch}-random-{size}"
        description = (f"CLIP {config.title}-shaped model with random weights (seed {args.seed}),"
                       " for plumbing tests only: its scores mean nothing.")
    else:
        kind, name = "clip", f"clip-{arch}-{size}"
        description = (f"CLIP {config.title} from {args.weights.name}, input {size}x{size}"
                       f" (native {config.vision.image_size}), patch tokens of blocks "
                       f"{','.join(map(str, layers))}; made by src/models/clip_export.py.")
    return FolderSpec(out=args.out, name=args.name or name, kind=kind, description=description,
                      image_size=size, layers=tuple(layers), fp16=args.fp16)


def main(argv: Optional[List[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    config = cm.ARCHITECTURES[args.arch]
    try:
        spec = _folder_spec(args, config)
        if args.bpe_vocab:
            bpe = read_openai_vocab(args.bpe_vocab)
        elif args.random_init:
            bpe = ct.small_vocabulary()
        else:
            raise ExportError("--bpe-vocab is required with --weights: real CLIP weights need "
                              "OpenAI's vocabulary, bpe_simple_vocab_16e6.txt.gz")
        if args.random_init:
            model = random_clip(config, args.activation, args.seed)
        else:
            model = load_clip(config, args.activation, args.weights)
        export_folder(model, config, bpe, spec)
    except ExportError as error:
        parser.exit(2, f"{parser.prog}: error: {error}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
