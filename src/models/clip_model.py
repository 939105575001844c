"""CLIP in plain torch, with OpenAI CLIP's state-dict key names.

The modules mirror OpenAI's `clip/model.py` (ViT variants only) parameter for parameter, so an
OpenAI `.pt` file or an OpenCLIP state dict of the same architecture loads with
`load_state_dict(strict=True)`. Attention is written out with plain tensor ops (no
`nn.MultiheadAttention`) so that the ONNX export is a clean graph with a symbolic batch size.
Tensors are batch-first: [N, tokens, width].
"""

import math
from collections import OrderedDict
from dataclasses import dataclass
from typing import Dict, List, Sequence, Tuple

import torch
import torch.nn.functional as F
from torch import nn


@dataclass(frozen=True)
class VisionConfig:
    image_size: int
    patch_size: int
    width: int
    layers: int
    heads: int

    @property
    def grid(self) -> int:
        return self.image_size // self.patch_size


@dataclass(frozen=True)
class TextConfig:
    context_length: int
    vocab_size: int
    width: int
    layers: int
    heads: int


@dataclass(frozen=True)
class ClipConfig:
    """One architecture. `patch_layers` are the default 1-based blocks exported as patch tokens."""

    title: str
    embed_dim: int
    vision: VisionConfig
    text: TextConfig
    patch_layers: Tuple[int, ...]


ARCHITECTURES: Dict[str, ClipConfig] = {
    "ViT-B-16": ClipConfig(
        title="ViT-B/16",
        embed_dim=512,
        vision=VisionConfig(image_size=224, patch_size=16, width=768, layers=12, heads=12),
        text=TextConfig(context_length=77, vocab_size=49408, width=512, layers=12, heads=8),
        patch_layers=(3, 6, 9, 12),
    ),
    "ViT-L-14-336": ClipConfig(
        title="ViT-L/14@336px",
        embed_dim=768,
        vision=VisionConfig(image_size=336, patch_size=14, width=1024, layers=24, heads=16),
        text=TextConfig(context_length=77, vocab_size=49408, width=768, layers=12, heads=12),
        patch_layers=(6, 12, 18, 24),
    ),
}

# Entries that are not weights: OpenAI's TorchScript files carry the first three (its build_model
# drops them); the causal mask is rebuilt here and appears in some TorchScript and OpenCLIP dicts.
NON_PARAMETER_KEYS = ("input_resolution", "context_length", "vocab_size", "attn_mask")

ACTIVATIONS = ("quick-gelu", "gelu")


class QuickGELU(nn.Module):
    """OpenAI CLIP's activation: x * sigmoid(1.702 x)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * torch.sigmoid(1.702 * x)


def make_activation(name: str) -> nn.Module:
    if name == "quick-gelu":
        return QuickGELU()
    if name == "gelu":
        return nn.GELU()
    raise ValueError(f"unknown activation {name!r}; expected one of {ACTIVATIONS}")


class Attention(nn.Module):
    """Multi-head self-attention with nn.MultiheadAttention's parameter names."""

    def __init__(self, width: int, heads: int):
        super().__init__()
        if width % heads:
            raise ValueError(f"width {width} is not divisible by {heads} heads")
        self.heads = heads
        self.scale = (width // heads) ** -0.5
        self.in_proj_weight = nn.Parameter(torch.empty(3 * width, width))
        self.in_proj_bias = nn.Parameter(torch.empty(3 * width))
        self.out_proj = nn.Linear(width, width)

    def forward(self, x: torch.Tensor, mask: torch.Tensor = None) -> torch.Tensor:
        batch, tokens, width = x.shape
        q, k, v = F.linear(x, self.in_proj_weight, self.in_proj_bias).chunk(3, dim=-1)
        q, k, v = (t.reshape(batch, tokens, self.heads, -1).transpose(1, 2) for t in (q, k, v))
        scores = (q * self.scale) @ k.transpose(-2, -1)
        if mask is not None:
            scores = scores + mask
        out = scores.softmax(dim=-1) @ v
        return self.out_proj(out.transpose(1, 2).reshape(batch, tokens, width))


class ResidualAttentionBlock(nn.Module):
    def __init__(self, width: int, heads: int, activation: str):
        super().__init__()
        self.ln_1 = nn.LayerNorm(width)
        self.attn = Attention(width, heads)
        self.ln_2 = nn.LayerNorm(width)
        self.mlp = nn.Sequential(OrderedDict([
            ("c_fc", nn.Linear(width, width * 4)),
            ("gelu", make_activation(activation)),
            ("c_proj", nn.Linear(width * 4, width)),
        ]))

    def forward(self, x: torch.Tensor, mask: torch.Tensor = None) -> torch.Tensor:
        x = x + self.attn(self.ln_1(x), mask)
        return x + self.mlp(self.ln_2(x))


class Transformer(nn.Module):
    def __init__(self, width: int, layers: int, heads: int, activation: str):
        super().__init__()
        self.resblocks = nn.ModuleList(
            ResidualAttentionBlock(width, heads, activation) for _ in range(layers))

    def forward(self, x: torch.Tensor, mask: torch.Tensor = None) -> List[torch.Tensor]:
        """All block outputs; element i is the output of block i + 1."""
        outputs = []
        for block in self.resblocks:
            x = block(x, mask)
            outputs.append(x)
        return outputs


class VisionTransformer(nn.Module):
    def __init__(self, config: VisionConfig, embed_dim: int, activation: str):
        super().__init__()
        width = config.width
        self.grid = config.grid
        self.conv1 = nn.Conv2d(3, width, config.patch_size, config.patch_size, bias=False)
        self.class_embedding = nn.Parameter(torch.empty(width))
        self.positional_embedding = nn.Parameter(torch.empty(self.grid ** 2 + 1, width))
        self.ln_pre = nn.LayerNorm(width)
        self.transformer = Transformer(width, config.layers, config.heads, activation)
        self.ln_post = nn.LayerNorm(width)
        self.proj = nn.Parameter(torch.empty(width, embed_dim))

    def resize_grid(self, grid: int) -> None:
        """Interpolates the positional embedding bicubically to a grid x grid patch layout."""
        if grid == self.grid:
            return
        with torch.no_grad():
            resized = resize_positional_embedding(self.positional_embedding, grid)
        self.positional_embedding = nn.Parameter(resized)
        self.grid = grid

    def forward(self, pixels: torch.Tensor) -> Tuple[torch.Tensor, List[torch.Tensor]]:
        """Projected, ln_post'ed CLS [N, E] and every block's raw output [N, 1 + grid², width]."""
        x = self.conv1(pixels)
        x = x.flatten(2).transpose(1, 2)
        cls = self.class_embedding.reshape(1, 1, -1).expand(x.shape[0], -1, -1)
        x = torch.cat([cls, x], dim=1) + self.positional_embedding
        blocks = self.transformer(self.ln_pre(x))
        embeds = self.ln_post(blocks[-1][:, 0, :]) @ self.proj
        return embeds, blocks


def resize_positional_embedding(positional: torch.Tensor, grid: int) -> torch.Tensor:
    """[1 + g², W] -> [1 + grid², W]: the CLS row kept, the patch rows resized as an image."""
    cls, patches = positional[:1], positional[1:]
    old = math.isqrt(patches.shape[0])
    if old * old != patches.shape[0]:
        raise ValueError(f"positional embedding has {patches.shape[0]} patch rows, not a square")
    width = patches.shape[1]
    image = patches.float().reshape(1, old, old, width).permute(0, 3, 1, 2)
    image = F.interpolate(image, size=(grid, grid), mode="bicubic", align_corners=False)
    patches = image.permute(0, 2, 3, 1).reshape(grid * grid, width).to(positional.dtype)
    return torch.cat([cls, patches])


class CLIP(nn.Module):
    """Image and text towers; the text tower's parameters sit at the top level, as in OpenAI's."""

    def __init__(self, config: ClipConfig, activation: str):
        super().__init__()
        text = config.text
        self.visual = VisionTransformer(config.vision, config.embed_dim, activation)
        self.token_embedding = nn.Embedding(text.vocab_size, text.width)
        self.positional_embedding = nn.Parameter(torch.empty(text.context_length, text.width))
        self.transformer = Transformer(text.width, text.layers, text.heads, activation)
        self.ln_final = nn.LayerNorm(text.width)
        self.text_projection = nn.Parameter(torch.empty(text.width, config.embed_dim))
        self.logit_scale = nn.Parameter(torch.empty(()))
        causal = torch.full((text.context_length, text.context_length), float("-inf")).triu(1)
        self.register_buffer("attn_mask", causal, persistent=False)

    def encode_text(self, input_ids: torch.Tensor, eot_id: int) -> torch.Tensor:
        """Projected final-LN features at the (first) end-of-text token: [N, E]."""
        x = self.token_embedding(input_ids) + self.positional_embedding
        x = self.ln_final(self.transformer(x, self.attn_mask)[-1])
        eot = (input_ids == eot_id).float().argmax(dim=-1)
        index = eot.reshape(-1, 1, 1).expand(-1, 1, x.shape[-1])
        return x.gather(1, index)[:, 0, :] @ self.text_projection


class ImageTower(nn.Module):
    """pixel_values -> image_embeds, patch_tokens_<layer>... (CLS dropped, no LN, no projection)."""

    def __init__(self, clip: CLIP, layers: Sequence[int]):
        super().__init__()
        self.visual = clip.visual
        self.layers = tuple(layers)

    def forward(self, pixel_values: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        embeds, blocks = self.visual(pixel_values)
        return (embeds, *(blocks[layer - 1][:, 1:, :] for layer in self.layers))


class TextTower(nn.Module):
    """input_ids [N, context] int64 -> text_embeds [N, E]."""

    def __init__(self, clip: CLIP, eot_id: int):
        super().__init__()
        self.clip = clip
        self.eot_id = eot_id

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        return self.clip.encode_text(input_ids, self.eot_id)


def random_init(model: CLIP, seed: int) -> None:
    """Fills every parameter from a seeded generator, scaled like OpenAI's initialisation."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            std, mean = _init_scale(name, parameter)
            noise = torch.randn(parameter.shape, generator=generator)
            parameter.copy_(mean + std * noise)


# (std, mean) of parameters whose scale is not set by their shape.
_FIXED_INIT = {
    "logit_scale": (0.0, math.log(1 / 0.07)),
    "token_embedding.weight": (0.02, 0.0),
    "positional_embedding": (0.01, 0.0),
}


def _init_scale(name: str, parameter: torch.Tensor) -> Tuple[float, float]:
    """(std, mean) for one parameter, chosen by its role."""
    leaf = name.rsplit(".", 1)[-1]
    if name in _FIXED_INIT:
        return _FIXED_INIT[name]
    if leaf == "weight" and ".ln_" in f".{name}":
        return 0.02, 1.0
    if leaf in ("bias", "in_proj_bias"):
        return 0.02, 0.0
    if leaf in ("class_embedding", "positional_embedding"):
        return parameter.shape[-1] ** -0.5, 0.0
    if leaf in ("proj", "text_projection"):
        return parameter.shape[0] ** -0.5, 0.0
    return parameter[0].numel() ** -0.5, 0.0


def build_clip(config: ClipConfig, activation: str) -> CLIP:
    """The architecture at its native image size, parameters uninitialised."""
    return CLIP(config, activation).eval()


def load_weights(model: CLIP, state_dict: Dict[str, torch.Tensor]) -> None:
    """Strict load; OpenAI's non-parameter entries are ignored. Raises ValueError on mismatch."""
    weights = {k: v for k, v in state_dict.items() if k not in NON_PARAMETER_KEYS}
    expected = model.state_dict()
    missing = sorted(set(expected) - set(weights))
    unexpected = sorted(set(weights) - set(expected))
    wrong_shape = [
        f"{k}: file {tuple(weights[k].shape)}, architecture {tuple(expected[k].shape)}"
        for k in sorted(set(expected) & set(weights))
        if weights[k].shape != expected[k].shape
    ]
    problems = []
    if missing:
        problems.append(f"missing keys: {_abbreviate(missing)}")
    if unexpected:
        problems.append(f"unexpected keys: {_abbreviate(unexpected)}")
    if wrong_shape:
        problems.append(f"shape mismatches: {_abbreviate(wrong_shape)}")
    if problems:
        raise ValueError("; ".join(problems))
    model.load_state_dict(weights, strict=True)


def _abbreviate(items: List[str], limit: int = 5) -> str:
    more = f" and {len(items) - limit} more" if len(items) > limit else ""
    return ", ".join(items[:limit]) + more
