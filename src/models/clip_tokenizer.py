"""CLIP's byte-level BPE tokenizer as a HuggingFace `tokenizer.json`, and the same tokenisation in
Python (for the ids recorded in reference.json).

Two vocabularies:
- `from_openai_vocab`: OpenAI's `bpe_simple_vocab_16e6.txt.gz` converted exactly (49408 tokens,
  start-of-text 49406, end-of-text 49407), the vocabulary real CLIP weights need;
- `train_small`: a small genuine BPE vocabulary learned here from the prompt words Clipline uses,
  laid out the same way (256 byte symbols, the same 256 with `</w>`, merges, the two special
  tokens last). Only for random-weight models.

The JSON follows HuggingFace's conversion of CLIP: NFC + lowercase + whitespace-collapsing
normalizer, CLIP's split regex then a byte-to-unicode mapping (ByteLevel without its own regex),
BPE with the `</w>` end-of-word suffix, and `<|startoftext|> $A <|endoftext|>` added by a
TemplateProcessing post-processor; padding and truncation fixed at 77, padding with
`<|endoftext|>`. OpenAI's own tokenizer additionally runs `ftfy.fix_text` and HTML unescaping,
which no tokenizer.json can express; prompts made of plain text are unaffected.
"""

import gzip
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Dict, Iterable, List, Sequence, Tuple

import regex

START = "<|startoftext|>"
END = "<|endoftext|>"
END_OF_WORD = "</w>"
CONTEXT_LENGTH = 77

# CLIP's pre-tokenizer regex (special tokens are matched earlier, as added tokens).
SPLIT_PATTERN = r"""'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+"""
_SPLIT = regex.compile(SPLIT_PATTERN)
_WHITESPACE = regex.compile(r"\s+")

# OpenAI's SimpleTokenizer uses the merges on lines 1 .. 48894 of the vocab file (line 0: header).
OPENAI_MERGES = 49152 - 256 - 2
OPENAI_VOCAB_SIZE = 49408

Pair = Tuple[str, str]


def bytes_to_unicode() -> Dict[int, str]:
    """GPT-2/CLIP's reversible map from the 256 byte values to printable unicode characters."""
    printable = (list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1))
                 + list(range(ord("®"), ord("ÿ") + 1)))
    codes = list(printable)
    extra = 0
    for byte in range(256):
        if byte not in printable:
            printable.append(byte)
            codes.append(256 + extra)
            extra += 1
    return {byte: chr(code) for byte, code in zip(printable, codes)}


_BYTE_ENCODER = bytes_to_unicode()


def pre_tokenize(text: str) -> List[str]:
    """Normalises and splits text into words spelt in byte-level characters."""
    text = _WHITESPACE.sub(" ", unicodedata.normalize("NFC", text).lower())
    return ["".join(_BYTE_ENCODER[b] for b in word.encode("utf-8"))
            for word in _SPLIT.findall(text)]


def _symbols(word: str) -> List[str]:
    """A word's initial BPE symbols: one per character, the last one carrying `</w>`."""
    return list(word[:-1]) + [word[-1] + END_OF_WORD]


class ClipBpe:
    """A CLIP-layout BPE vocabulary: byte symbols, byte symbols + `</w>`, merges, START, END."""

    def __init__(self, merges: Sequence[Pair]):
        base = list(_BYTE_ENCODER.values())
        tokens = base + [b + END_OF_WORD for b in base] + [a + b for a, b in merges] + [START, END]
        self.vocab = {token: index for index, token in enumerate(tokens)}
        if len(self.vocab) != len(tokens):
            raise ValueError("merges produce duplicate tokens; not a CLIP-layout vocabulary")
        self.merges = list(merges)
        self._ranks = {pair: rank for rank, pair in enumerate(self.merges)}

    @property
    def size(self) -> int:
        return len(self.vocab)

    @property
    def start_id(self) -> int:
        return self.vocab[START]

    @property
    def end_id(self) -> int:
        """End-of-text id; also the pad id, and the token the text tower pools from."""
        return self.vocab[END]

    def encode(self, text: str) -> List[int]:
        """START, the text's tokens, END; neither padded nor truncated."""
        ids = [self.vocab[token] for word in pre_tokenize(text) for token in self._bpe(word)]
        return [self.start_id] + ids + [self.end_id]

    def encode_fixed(self, text: str, length: int = CONTEXT_LENGTH) -> List[int]:
        """Exactly `length` ids: cut to length keeping END last, or padded with the END id."""
        ids = self.encode(text)
        if len(ids) > length:
            return ids[:length - 1] + [self.end_id]
        return ids + [self.end_id] * (length - len(ids))

    def _bpe(self, word: str) -> List[str]:
        symbols = _symbols(word)
        while len(symbols) > 1:
            pairs = zip(symbols, symbols[1:])
            rank, index = min((self._ranks.get(pair, len(self._ranks)), i)
                              for i, pair in enumerate(pairs))
            if rank == len(self._ranks):
                break
            symbols[index:index + 2] = [symbols[index] + symbols[index + 1]]
        return symbols

    def to_json(self, length: int = CONTEXT_LENGTH) -> dict:
        """The HuggingFace tokenizers `tokenizer.json` document."""
        special = [(self.start_id, START), (self.end_id, END)]
        return {
            "version": "1.0",
            "truncation": {"direction": "Right", "max_length": length,
                           "strategy": "LongestFirst", "stride": 0},
            "padding": {"strategy": {"Fixed": length}, "direction": "Right",
                        "pad_to_multiple_of": None, "pad_id": self.end_id, "pad_type_id": 0,
                        "pad_token": END},
            "added_tokens": [
                {"id": token_id, "content": content, "single_word": False, "lstrip": False,
                 "rstrip": False, "normalized": True, "special": True}
                for token_id, content in special],
            "normalizer": {"type": "Sequence", "normalizers": [
                {"type": "NFC"},
                {"type": "Lowercase"},
                {"type": "Replace", "pattern": {"Regex": r"\s+"}, "content": " "}]},
            "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
                {"type": "Split", "pattern": {"Regex": SPLIT_PATTERN}, "behavior": "Removed",
                 "invert": True},
                {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True,
                 "use_regex": False}]},
            "post_processor": _template_processing(special),
            "decoder": {"type": "Sequence", "decoders": [
                {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True,
                 "use_regex": False},
                {"type": "Replace", "pattern": {"String": END_OF_WORD}, "content": " "},
                {"type": "Strip", "content": " ", "start": 0, "stop": 1}]},
            "model": {"type": "BPE", "dropout": None, "unk_token": END,
                      "continuing_subword_prefix": "", "end_of_word_suffix": END_OF_WORD,
                      "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                      "vocab": self.vocab, "merges": [f"{a} {b}" for a, b in self.merges]},
        }


def _template_processing(special: List[Tuple[int, str]]) -> dict:
    def token(content: str, type_id: int) -> dict:
        return {"SpecialToken": {"id": content, "type_id": type_id}}

    def sequence(name: str, type_id: int) -> dict:
        return {"Sequence": {"id": name, "type_id": type_id}}

    return {
        "type": "TemplateProcessing",
        "single": [token(START, 0), sequence("A", 0), token(END, 0)],
        "pair": [token(START, 0), sequence("A", 0), token(END, 0), sequence("B", 1),
                 token(END, 1)],
        "special_tokens": {content: {"id": content, "ids": [token_id], "tokens": [content]}
                           for token_id, content in special},
    }


def from_openai_vocab(path: Path) -> ClipBpe:
    """Converts OpenAI's `bpe_simple_vocab_16e6.txt.gz` (as shipped with OpenAI CLIP/OpenCLIP)."""
    if not path.is_file():
        raise FileNotFoundError(
            f"BPE vocabulary {path} not found; pass --bpe-vocab with the path of OpenAI CLIP's "
            "bpe_simple_vocab_16e6.txt.gz (in the openai/CLIP repository under clip/, and in "
            "open_clip under src/open_clip/)")
    try:
        with gzip.open(path, "rt", encoding="utf-8") as file:
            lines = file.read().split("\n")
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(f"{path} is not a gzip'ed UTF-8 BPE vocabulary: {error}") from error
    merges = [tuple(line.split()) for line in lines[1:OPENAI_MERGES + 1]]
    if len(merges) != OPENAI_MERGES or any(len(pair) != 2 for pair in merges):
        raise ValueError(f"{path} does not look like CLIP's bpe_simple_vocab_16e6.txt.gz: "
                         f"expected {OPENAI_MERGES} merge lines of two symbols each")
    bpe = ClipBpe(merges)
    if bpe.size != OPENAI_VOCAB_SIZE:
        raise ValueError(f"{path} gives {bpe.size} tokens, CLIP has {OPENAI_VOCAB_SIZE}")
    return bpe


def train_small(corpus: Iterable[str], max_merges: int) -> ClipBpe:
    """Learns up to `max_merges` merges from a corpus: most frequent adjacent pair first, ties
    broken by the pair's spelling, pairs whose merge would duplicate a token skipped."""
    words = Counter(tuple(_symbols(word)) for text in corpus for word in pre_tokenize(text))
    tokens = set(ClipBpe([]).vocab)
    merges: List[Pair] = []
    while len(merges) < max_merges:
        pair = _most_frequent_pair(words, tokens)
        if pair is None:
            break
        merges.append(pair)
        tokens.add(pair[0] + pair[1])
        words = Counter({_merge(word, pair): count for word, count in words.items()})
    return ClipBpe(merges)


def _most_frequent_pair(words: Counter, tokens: set) -> Pair:
    counts: Counter = Counter()
    for word, count in words.items():
        for pair in zip(word, word[1:]):
            if pair[0] + pair[1] not in tokens:
                counts[pair] += count
    if not counts:
        return None
    return min(counts, key=lambda pair: (-counts[pair], pair))


def _merge(word: Tuple[str, ...], pair: Pair) -> Tuple[str, ...]:
    merged: List[str] = []
    i = 0
    while i < len(word):
        if word[i:i + 2] == pair:
            merged.append(word[i] + word[i + 1])
            i += 2
        else:
            merged.append(word[i])
            i += 1
    return tuple(merged)


# The words Clipline's prompts are made of (ALGORITHMS.md §2): photo templates, normal and
# anomalous state phrases, generic and product nouns, defect types.
TEMPLATES = (
    "a cropped photo of the {}.", "a cropped photo of a {}.", "a close-up photo of a {}.",
    "a close-up photo of the {}.", "a bright photo of a {}.", "a bright photo of the {}.",
    "a dark photo of the {}.", "a dark photo of a {}.", "a jpeg corrupted photo of a {}.",
    "a jpeg corrupted photo of the {}.", "a blurry photo of the {}.", "a blurry photo of a {}.",
    "a photo of a {}.", "a photo of the {}.", "a photo of a small {}.",
    "a photo of the small {}.", "a photo of a large {}.", "a photo of the large {}.",
    "a photo of the {} for visual inspection.", "a photo of a {} for visual inspection.",
    "a photo of the {} for anomaly detection.", "a photo of a {} for anomaly detection.",
    "there is a {} in the scene.", "this is a {} on the production line.",
)
NORMAL_STATES = ("{}", "flawless {}", "perfect {}", "unblemished {}", "{} without flaw",
                 "{} without defect", "{} without damage")
ANOMALOUS_STATES = ("damaged {}", "broken {}", "{} with flaw", "{} with defect",
                    "{} with damage")
NOUNS = ("object", "texture", "product", "part", "surface", "bottle", "cable", "capsule",
         "carpet", "grid", "hazelnut", "leather", "metal nut", "pill", "screw", "tile",
         "toothbrush", "transistor", "wood", "zipper", "candle", "cashew", "chewing gum",
         "fryum", "macaroni", "printed circuit board", "pipe", "fabric", "weld", "casting")
DEFECTS = ("scratch", "hole", "crack", "stain", "blowhole", "fray", "break", "uneven surface",
           "dent", "cut", "contamination", "glue", "fold", "poke", "squeeze", "missing part",
           "misplaced part", "color defect", "rough surface", "liquid", "oil", "faulty imprint",
           "bent lead", "thread", "burr", "chip", "corrosion", "bubble", "wrinkle", "spot")


SMALL_MERGES = 400


def small_vocabulary() -> ClipBpe:
    """The vocabulary of random-weight models: up to SMALL_MERGES merges over prompt_corpus()."""
    return train_small(prompt_corpus(), SMALL_MERGES)


def prompt_corpus() -> List[str]:
    """Every template × state × noun sentence, and one defect-type sentence per defect."""
    states = NORMAL_STATES + ANOMALOUS_STATES
    sentences = [template.format(state.format(noun))
                 for template in TEMPLATES for state in states for noun in NOUNS]
    sentences += [f"a photo of an object with a {defect}." for defect in DEFECTS]
    sentences += ["a photo of a good object."]
    return sentences
