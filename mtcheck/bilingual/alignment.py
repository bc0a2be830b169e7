"""Sentence alignment for source/target (and reference/target) files that are not
line-aligned.

Two methods, both a monotone dynamic programme over the moves 1-1, 1-0, 0-1, 2-1, 1-2
and 2-2 (Gale & Church 1993):
- ``length``: Gale-Church's length model. The expected target length is the source
  length times the files' overall character ratio (Chinese to English is about 1:3), and
  the cost of a move is -log(prior) - log P(|delta|) under a normal model of the
  deviation.
- ``embedding``: the cost of a move is 1 - cosine similarity of the grouped sentences'
  embeddings under the multilingual model from --cross-lingual-model, plus a small
  penalty for anything but 1-1.

Each target line then gets the source lines aligned with it; `Segment.meta["align"]`
records ``METHOD:S-T`` (S source lines, T target lines in its group) so that checks for
missing content can skip a target line that holds only part of a group.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Sequence

LENGTH, EMBEDDING = "length", "embedding"
METHODS = (LENGTH, EMBEDDING)
# Gale & Church's move priors.
PRIORS = {(1, 1): 0.89, (1, 0): 0.0099 / 2, (0, 1): 0.0099 / 2, (2, 1): 0.089 / 2, (1, 2): 0.089 / 2, (2, 2): 0.011}
VARIANCE_PER_CHAR = 6.8
BAND = 30  # search only cells within this distance of the diagonal (plus the length difference)
EMBEDDING_SKIP_COST = 0.8
EMBEDDING_MERGE_PENALTY = 0.05


@dataclass(frozen=True)
class Group:
    """Source line indices aligned with target line indices (0-based, either may be empty)."""

    source: tuple[int, ...]
    target: tuple[int, ...]

    @property
    def shape(self) -> str:
        return f"{len(self.source)}-{len(self.target)}"


def _char_length(text: str) -> int:
    return sum(1 for ch in text if not ch.isspace())


def _normal_tail(z: float) -> float:
    """P(|Z| >= z) for a standard normal Z."""
    return math.erfc(abs(z) / math.sqrt(2))


def length_cost(sources: Sequence[str], targets: Sequence[str]) -> Callable[[int, int, int, int], float]:
    """Gale-Church cost of aligning sources[i-a:i] with targets[j-b:j]."""
    src = [_char_length(s) for s in sources]
    tgt = [_char_length(t) for t in targets]
    ratio = (sum(tgt) / sum(src)) if sum(src) else 1.0
    variance = VARIANCE_PER_CHAR * max(ratio, 1.0)

    def cost(i: int, j: int, a: int, b: int) -> float:
        l1, l2 = sum(src[i - a:i]), sum(tgt[j - b:j])
        mean = (l1 * ratio + l2) / 2 if (l1 and l2) else max(l1 * ratio, l2)
        delta = (l2 - l1 * ratio) / math.sqrt(max(mean, 1.0) * variance / max(ratio, 1.0))
        probability = max(_normal_tail(delta), 1e-300)
        return -math.log(PRIORS[(a, b)]) - math.log(probability)

    return cost


def embedding_cost(sources: Sequence[str], targets: Sequence[str], encoder) -> Callable[[int, int, int, int], float]:
    """1 - cosine of grouped sentences (pairs joined), embedded in one batch per side."""
    import numpy as np

    def table(lines: Sequence[str], joiner: str) -> dict[tuple[int, int], "np.ndarray"]:
        spans = [(k, k + 1) for k in range(len(lines))] + [(k, k + 2) for k in range(len(lines) - 1)]
        texts = [joiner.join(lines[s:e]) for s, e in spans]
        if not texts:
            return {}
        vectors = np.asarray(encoder.encode(texts), dtype="float64")
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        return dict(zip(spans, vectors))

    src_vectors, tgt_vectors = table(sources, ""), table(targets, " ")

    def cost(i: int, j: int, a: int, b: int) -> float:
        if a == 0 or b == 0:
            return EMBEDDING_SKIP_COST
        similarity = float(src_vectors[(i - a, i)] @ tgt_vectors[(j - b, j)])
        return (1.0 - similarity) * max(a, b) + (0.0 if (a, b) == (1, 1) else EMBEDDING_MERGE_PENALTY)

    return cost


def align(n_source: int, n_target: int, cost: Callable[[int, int, int, int], float]) -> list[Group]:
    """The cheapest monotone alignment of n_source with n_target lines."""
    inf = float("inf")
    band = BAND + abs(n_source - n_target)
    best: dict[tuple[int, int], tuple[float, tuple[int, int] | None]] = {(0, 0): (0.0, None)}
    for i in range(n_source + 1):
        centre = i * n_target / n_source if n_source else 0
        for j in range(max(0, int(centre) - band), min(n_target, int(centre) + band) + 1):
            if (i, j) == (0, 0):
                continue
            choice = (inf, None)
            for a, b in PRIORS:
                previous = best.get((i - a, j - b))
                if previous is None or i - a < 0 or j - b < 0:
                    continue
                total = previous[0] + cost(i, j, a, b)
                if total < choice[0]:
                    choice = (total, (a, b))
            if choice[1] is not None:
                best[(i, j)] = choice
    groups: list[Group] = []
    i, j = n_source, n_target
    while (i, j) != (0, 0):
        a, b = best[(i, j)][1]
        groups.append(Group(tuple(range(i - a, i)), tuple(range(j - b, j))))
        i, j = i - a, j - b
    return groups[::-1]


@dataclass(frozen=True)
class AlignedSide:
    """For each target line, the text of the lines aligned with it (None: none) and its group shape."""

    texts: tuple[str | None, ...]
    shapes: tuple[str, ...]
    groups: tuple[Group, ...]


def align_lines(others: Sequence[str], targets: Sequence[str], method: str, encoder=None, joiner: str = "") -> AlignedSide:
    if method == EMBEDDING:
        cost = embedding_cost(others, targets, encoder)
    else:
        cost = length_cost(others, targets)
    groups = align(len(others), len(targets), cost)
    texts: list[str | None] = [None] * len(targets)
    shapes = ["0-1"] * len(targets)
    for group in groups:
        joined = joiner.join(others[k] for k in group.source) if group.source else None
        for index in group.target:
            texts[index] = joined
            shapes[index] = group.shape
    return AlignedSide(tuple(texts), tuple(shapes), tuple(groups))


def describe(method: str, side: str, aligned: AlignedSide, n_other: int, n_target: int) -> str:
    """One line for the user: which method, and how many groups were not 1-1."""
    uneven = sum(1 for group in aligned.groups if group.shape != "1-1")
    name = "Gale-Church length-based" if method == LENGTH else "embedding-based (cross-lingual model)"
    return f"aligned {n_other} {side} line(s) to {n_target} target line(s) with {name} alignment; {uneven} group(s) not 1-1"


def read_aligned(path: str, *, source: str | None, reference: str | None = None, method: str = LENGTH,
                 encoding: str | None = None, encoder=None) -> tuple[list, list[str]]:
    """Plain-text target file plus source (and reference) files of any line counts:
    segments whose source/reference come from sentence alignment, and one message per
    aligned side saying how it was aligned."""
    from pathlib import Path

    from ..errors import ConfigError, InputError
    from ..models import Segment
    from ..readers.plaintext import read_lines

    if method not in METHODS:
        raise ConfigError(f"unknown alignment method {method!r}", hint=f"use one of {', '.join(METHODS)}")
    if Path(path).suffix.lower() in (".tsv", ".csv", ".tab"):
        raise InputError("--align works on plain-text files", where=path, hint="a table row already pairs source and target")
    if source is None:
        raise InputError("--align needs --source", where=path, hint="give the Chinese source file to align")
    if method == EMBEDDING and encoder is None:
        raise ConfigError("--align embedding needs --cross-lingual-model", hint="name a multilingual sentence-transformers model, or use --align length")
    numbered = [(number, line) for number, line in enumerate(read_lines(path, encoding), start=1) if line.strip()]
    targets = [line for _, line in numbered]
    messages: list[str] = []
    sides: dict[str, AlignedSide] = {}
    for role, other_path, joiner in (("source", source, ""), ("reference", reference, " ")):
        if other_path is None:
            continue
        others = [line for line in read_lines(other_path, encoding) if line.strip()]
        if not others or not targets:
            raise InputError(f"nothing to align: the {role} or the target has no text", where=other_path)
        sides[role] = align_lines(others, targets, method, encoder, joiner)
        messages.append(describe(method, role, sides[role], len(others), len(targets)))
    segments = []
    for index, (number, line) in enumerate(numbered):
        src, ref = sides.get("source"), sides.get("reference")
        segments.append(Segment(
            id=str(number), target=line, file=path, line=number,
            source=src.texts[index], reference=ref.texts[index] if ref else None,
            meta={"align": f"{method}:{src.shapes[index]}"},
        ))
    return segments, messages
