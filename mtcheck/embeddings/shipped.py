"""Sense-exemplar vectors of the bundled model and glossary, shipped in the package.

A run with an empty cache (every CI runner) would otherwise embed every exemplar of
every ambiguous glossary entry before judging its first hit. This module builds, once,
the vectors of the bundled glossaries' exemplars (sentences and token spans, as the
sense gate asks for them) with the bundled model and the torch backend, and ships them
next to it: ``exemplar_vectors.npy`` (float16 rows: the sentence vectors, then the
span vectors, one row per view) and ``exemplar_vectors.json`` (the key and the row
order).

The key is the model's fingerprint, the backend's recipe tag, FORMAT, and a digest of
the exemplar texts and spans. A gate uses the vectors only when model and backend
match; they are looked up per text, so a text that is not among them (another glossary,
an edited exemplar) is embedded as before and goes to the disk cache. The exemplar
digest tells whether the file is current: tests/test_shipped_vectors.py fails when the
bundled glossary's exemplars changed without a rebuild. Rebuild with

    python -m mtcheck.embeddings.shipped

(deterministic: the same model, glossary and torch give the same bytes).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

from .encoder import Span, texts_digest

FORMAT = 1
BACKEND = "torch"  # the backend recipe tag the shipped vectors are built with
FOLDER = Path(__file__).resolve().parent
VECTORS_FILE = "exemplar_vectors.npy"
KEY_FILE = "exemplar_vectors.json"
BUILD_COMMAND = "python -m mtcheck.embeddings.shipped"


@dataclass(frozen=True)
class ExemplarSet:
    """The distinct exemplar sentences and spans the gate embeds for a set of entries."""

    texts: tuple[str, ...]
    spans: tuple[Span, ...]

    @property
    def digest(self) -> str:
        return texts_digest(self.texts, self.spans)


def exemplar_set(entries: Iterable) -> ExemplarSet:
    """What the sense gate embeds for the ambiguous ones among `entries` (gate._prepare)."""
    from .texts import exemplar_texts

    texts: dict[str, None] = {}
    spans: dict[Span, None] = {}
    for entry in entries:
        if not entry.ambiguous:
            continue
        exemplars = exemplar_texts(entry)
        texts.update(dict.fromkeys(exemplars.texts))
        spans.update(dict.fromkeys(exemplars.spans))
    return ExemplarSet(tuple(sorted(texts)), tuple(sorted(spans)))


def bundled_exemplars() -> ExemplarSet:
    from ..glossary.loader import load_glossaries

    return exemplar_set(load_glossaries((), include_default=True).entries)


def key_of(fingerprint: str, backend: str, exemplars: ExemplarSet) -> dict:
    return {"format": FORMAT, "model_fingerprint": fingerprint, "backend": backend, "exemplars": exemplars.digest}


# ---------------------------------------------------------------- reading


@dataclass(frozen=True)
class ShippedVectors:
    key: dict
    texts: dict  # text -> float32 (dim,)
    spans: dict  # span -> float32 (views, dim)

    def matches(self, fingerprint: str, backend: str) -> bool:
        return self.key.get("format") == FORMAT and self.key.get("model_fingerprint") == fingerprint and self.key.get("backend") == backend


EMPTY = ShippedVectors({}, {}, {})


def read_shipped(folder: Path = FOLDER) -> ShippedVectors:
    """The vectors in `folder`, or EMPTY when they are missing or do not fit their key file."""
    import numpy as np

    try:
        meta = json.loads((folder / KEY_FILE).read_text(encoding="utf-8"))
        rows = np.load(folder / VECTORS_FILE, allow_pickle=False)
        texts = [str(text) for text in meta["texts"]]
        spans = [(str(text), int(start), int(end)) for text, start, end in meta["spans"]]
        views, dim = int(meta["views"]), int(meta["dim"])
    except (OSError, ValueError, KeyError, TypeError):
        return EMPTY
    if rows.ndim != 2 or rows.shape != (len(texts) + len(spans) * views, dim) or not np.isfinite(rows).all():
        return EMPTY
    rows = rows.astype(np.float32)
    text_rows = rows[:len(texts)]
    span_rows = rows[len(texts):].reshape(len(spans), views, dim)
    return ShippedVectors(dict(meta["key"]), dict(zip(texts, text_rows)), dict(zip(spans, span_rows)))


@lru_cache(maxsize=1)
def _shipped() -> ShippedVectors:
    return read_shipped()


def shipped_vectors(fingerprint: str, backend: str) -> ShippedVectors:
    """The package's vectors when they were built for this model and backend, else EMPTY."""
    vectors = _shipped()
    return vectors if vectors.matches(fingerprint, backend) else EMPTY


# ---------------------------------------------------------------- building


def encode_exemplars(backend, exemplars: ExemplarSet):
    """(sentence rows, span rows) as float32 arrays, through `backend`."""
    import numpy as np

    texts = np.asarray(backend.encode(list(exemplars.texts)), dtype=np.float32)
    spans = np.asarray(backend.encode_spans(list(exemplars.spans)), dtype=np.float32) if exemplars.spans else None
    return texts, spans


def write_shipped(folder: Path, key: dict, exemplars: ExemplarSet, text_rows, span_rows) -> None:
    import io

    import numpy as np

    from ..safeio import atomic_write

    dim = text_rows.shape[1]
    views = span_rows.shape[1] if span_rows is not None else 0
    if span_rows is not None and span_rows.shape[2] != dim:
        raise ValueError("sentence and span vectors differ in size")
    flat = span_rows.reshape(-1, dim) if span_rows is not None else np.zeros((0, dim), dtype=np.float32)
    rows = np.concatenate([text_rows, flat]).astype(np.float16)
    buffer = io.BytesIO()
    np.save(buffer, rows, allow_pickle=False)
    meta = {"key": key, "views": views, "dim": dim, "texts": list(exemplars.texts), "spans": [list(span) for span in exemplars.spans]}
    for name, data in ((VECTORS_FILE, buffer.getvalue()), (KEY_FILE, (json.dumps(meta, ensure_ascii=False, indent=0) + "\n").encode("utf-8"))):
        atomic_write(folder / name, data)
        (folder / name).chmod(0o644)  # package data, readable by all


def build(folder: Path = FOLDER) -> dict:
    """Embed the bundled glossaries' exemplars with the bundled model and write them to `folder`."""
    from .encoder import get_backend
    from .model import resolve_model

    spec = resolve_model(None)
    backend = get_backend(BACKEND, spec)
    exemplars = bundled_exemplars()
    key = key_of(spec.fingerprint, getattr(backend, "cache_tag", BACKEND), exemplars)
    text_rows, span_rows = encode_exemplars(backend, exemplars)
    write_shipped(folder, key, exemplars, text_rows, span_rows)
    return key


def main(argv: Sequence[str] | None = None) -> int:
    key = build()
    print(f"wrote {FOLDER / VECTORS_FILE} and {KEY_FILE}: {key}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
