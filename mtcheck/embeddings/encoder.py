"""Texts in, unit-length float32 vectors out.

- A *backend* is a small object with `name` and `encode(texts) -> float32 array` (rows
  L2-normalised), chosen by name (`--backend`). "torch" (sentence-transformers) is built
  in; further backends register themselves with `register_backend` from the optional
  module `mtcheck.embeddings.backends`, imported on first request of an unknown name.
- `Encoder` embeds each distinct text once per run, in batches, with a progress bar on
  a terminal for long runs.
- `ExemplarCache` keeps the glossary's sense-exemplar vectors on disk between runs, one
  file per model, backend and exemplar set; unreadable files are ignored and rebuilt.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import io
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, Mapping, Protocol, Sequence

from ..errors import ModelError
from .model import ModelSpec, load_sentence_transformer

BATCH_SIZE = 64
# Texts per forward pass in TorchBackend. Small batches cost no speed on a CPU (measured on
# 500 long contexts: the same time from 4 to 64) but bound the memory of the activations,
# and for spans of every hidden layer (output_hidden_states): with 64, peak RSS rose by
# about 400 MB (sentences) and 800 MB (spans) over the loaded model; with 16 and 4, by 200.
# Span texts are windows of at most ~2 x WINDOW_CHARS (embeddings/texts.py) or exemplars:
# 16 of them ran 1.4x faster than 4 (300 one-sentence windows, 1 thread: 1.97 s vs 2.84 s)
# at the same peak RSS (700 MB for 300 dense lines, either size).
TORCH_BATCH_SIZE = 16
SPAN_BATCH_SIZE = 16
PROGRESS_MIN_TEXTS = 256  # show a progress bar (on a terminal) from this many new texts
MAX_CACHED = 50_000  # vectors kept per Encoder; the oldest half is dropped beyond this
CACHE_FORMAT = 1


# Token-level "views" of a span: the mean over the span's tokens of the last hidden
# layer, and of the mean of the last two layers.
SPAN_VIEWS: tuple[tuple[int, ...], ...] = ((-1,), (-2, -1))
Span = tuple[str, int, int]  # (text, start, end): the characters text[start:end] in context


class Backend(Protocol):
    """What the sense gate needs from a model.

    `encode(texts)`: float32 array (len(texts), dim), rows L2-normalised.
    Optional `encode_spans(spans)`: float32 array (len(spans), len(SPAN_VIEWS), hidden),
    the contextual token vectors of text[start:end] per view, each L2-normalised; a
    backend without it (or with `supports_spans` false) gets the sentence-level gate.
    Optional `encode_spans_and_texts(spans)` (with `pools_texts` true): the same array,
    and {text: its sentence vector} for the spans' texts, pooled from the same model run
    as the model's own head pools them (encode(texts) gives the same vectors), so that a
    text the gate needs both ways (a one-sentence segment is its hit's window) runs once.
    """

    name: str

    def encode(self, texts: Sequence[str]): ...


class TorchBackend:
    """sentence-transformers in float32 on the default device (CUDA when present, else CPU)."""

    name = "torch"

    def __init__(self, spec: ModelSpec):
        from .threads import apply_to_torch

        self.spec = spec
        self.model = load_sentence_transformer(spec)
        apply_to_torch()
        first = self.model[0] if len(self.model) else None
        tokenizer = getattr(self.model, "tokenizer", None)
        self.supports_spans = hasattr(first, "auto_model") and bool(getattr(tokenizer, "is_fast", False))
        self.pools_texts = self.supports_spans and mean_pooled(self.model)

    def encode(self, texts: Sequence[str]):
        import numpy as np

        vectors = self.model.encode(
            list(texts), batch_size=TORCH_BATCH_SIZE, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    def encode_spans(self, spans: Sequence[Span]):
        return self._span_runs(spans, with_texts=False)[0]

    def encode_spans_and_texts(self, spans: Sequence[Span]):
        """encode_spans(spans), and the sentence vector of each of the spans' texts from
        the same runs: the mean of the last layer over the attention mask, L2-normalised,
        which is what the model's Pooling and Normalize modules compute (see mean_pooled;
        it matches encode() to float rounding, about 1e-8)."""
        if not self.pools_texts:
            raise ModelError(f"model {self.spec.name!r} does not pool its sentence vectors as a plain mean", hint="use encode() for its texts")
        return self._span_runs(spans, with_texts=True)

    def _span_runs(self, spans: Sequence[Span], with_texts: bool):
        import numpy as np
        import torch

        transformer = self.model[0].auto_model
        # Each distinct text runs through the model once, however many of its spans are
        # asked for (the hits of one segment share their window), in small batches of
        # similar length (less padding): every hidden layer of a batch is kept
        # (output_hidden_states).
        spans_of: dict[str, list[int]] = {}
        for index, (text, _, _) in enumerate(spans):
            spans_of.setdefault(text, []).append(index)
        texts = sorted(spans_of, key=len)
        order, rows, sentences = [], [], {}
        for i in range(0, len(texts), SPAN_BATCH_SIZE):
            batch = texts[i:i + SPAN_BATCH_SIZE]
            encoded = self.model.tokenizer(
                batch, return_offsets_mapping=True, truncation=True,
                max_length=self.model.max_seq_length, padding=True, return_tensors="pt",
            )
            offsets = encoded.pop("offset_mapping")
            encoded = encoded.to(self.model.device)
            with torch.inference_mode():
                hidden = transformer(**encoded, output_hidden_states=True).hidden_states
            attention = encoded["attention_mask"].cpu()
            if with_texts:
                mask = attention[:, :, None].float()
                pooled = (hidden[-1].float().cpu() * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
                sentences.update(zip(batch, torch.nn.functional.normalize(pooled, dim=-1).numpy()))
            views = torch.stack([torch.stack([hidden[layer] for layer in view]).mean(0) for view in SPAN_VIEWS], dim=1).float().cpu()
            members = [(row, index) for row, text in enumerate(batch) for index in spans_of[text]]
            of_text = torch.tensor([row for row, _ in members])  # each span's text, as a row of the batch
            starts = torch.tensor([spans[index][1] for _, index in members])[:, None]
            ends = torch.tensor([spans[index][2] for _, index in members])[:, None]
            offsets = offsets[of_text]
            inside = (offsets[:, :, 0] < ends) & (offsets[:, :, 1] > starts) & (offsets[:, :, 1] > offsets[:, :, 0])
            # A span cut off by truncation falls back to the whole text.
            inside = torch.where(inside.any(dim=1, keepdim=True), inside, attention.bool()[of_text])
            weights = inside.float()[:, None, :, None]  # (spans, 1, tokens, 1)
            pooled = (views[of_text] * weights).sum(dim=2) / weights.sum(dim=2)
            rows.append(torch.nn.functional.normalize(pooled, dim=-1).numpy())
            order.extend(index for _, index in members)
        if not rows:
            return np.zeros((0, len(SPAN_VIEWS), 0), dtype=np.float32), sentences
        vectors = np.empty((len(spans), *rows[0].shape[1:]), dtype=np.float32)
        vectors[order] = np.concatenate(rows)
        return vectors, {text: np.asarray(vector, dtype=np.float32) for text, vector in sentences.items()}


def mean_pooled(model) -> bool:
    """Does the sentence-transformers `model` pool its sentence vector as the plain mean of
    the transformer's last layer over the attention mask (then, optionally, L2-normalise)?
    Only then can a sentence vector come from a run that keeps the hidden states (texts
    the transformer sees as they are: no lower-casing by the module, no prompt to drop)."""
    names = [type(module).__name__ for module in model]
    if names not in (["Transformer", "Pooling"], ["Transformer", "Pooling", "Normalize"]):
        return False
    pooling = model[1]
    mode = getattr(pooling, "pooling_mode", None)
    if mode is None and hasattr(pooling, "get_pooling_mode_str"):
        mode = pooling.get_pooling_mode_str()
    return mode == "mean" and getattr(pooling, "include_prompt", True) and not getattr(model[0], "do_lower_case", False)


_FACTORIES: dict[str, Callable[[ModelSpec], Backend]] = {"torch": TorchBackend}
_LOADED: dict[tuple[str, str, str], Backend] = {}
_ENCODERS: dict[tuple[str, str, str], "Encoder"] = {}


def register_backend(name: str, factory: Callable[[ModelSpec], Backend]) -> None:
    """Make `--backend name` available: `factory(spec)` loads the model and returns a Backend."""
    _FACTORIES[name] = factory


def get_backend(name: str, spec: ModelSpec) -> Backend:
    """The backend `name` for the model `spec`, loaded once per process."""
    key = (name, spec.path, spec.fingerprint)
    if key not in _LOADED:
        _LOADED[key] = _factory(name)(spec)
    return _LOADED[key]


def get_encoder(name: str, spec: ModelSpec) -> "Encoder":
    """An Encoder over `get_backend(name, spec)`, shared by the runs of one process (the
    passes of `mtcheck fix` re-check mostly the same text)."""
    backend = get_backend(name, spec)
    key = (name, spec.path, spec.fingerprint)
    encoder = _ENCODERS.get(key)
    if encoder is None or encoder.backend is not backend:
        encoder = _ENCODERS[key] = Encoder(backend)
    return encoder


def _factory(name: str) -> Callable[[ModelSpec], Backend]:
    if name not in _FACTORIES and importlib.util.find_spec(f"{__package__}.backends") is not None:
        importlib.import_module(f"{__package__}.backends")
    try:
        return _FACTORIES[name]
    except KeyError:
        available = ", ".join(sorted(_FACTORIES))
        raise ModelError(f"embedding backend {name!r} is not available in this mtcheck", hint=f"use --backend {available}, or --no-embed") from None


def _stderr_is_terminal() -> bool:
    return hasattr(sys.stderr, "isatty") and sys.stderr.isatty()


class Encoder:
    """Embeds texts (and spans in context) through a backend, each distinct one once."""

    def __init__(self, backend: Backend, *, progress: bool | None = None, batch_size: int = BATCH_SIZE):
        self.backend = backend
        self.batch_size = batch_size
        self.progress = _stderr_is_terminal() if progress is None else progress
        self.seconds = 0.0  # time spent in the backend
        self.embedded = 0  # texts and spans sent to the backend
        self._texts: dict[str, object] = {}
        self._spans: dict[Span, object] = {}
        self._advance: Callable[[int], None] | None = None  # the open stage's bar (see stage)

    @property
    def supports_spans(self) -> bool:
        return hasattr(self.backend, "encode_spans") and bool(getattr(self.backend, "supports_spans", True))

    def remember(self, texts: Mapping[str, object] = {}, spans: Mapping[Span, object] = {}) -> None:
        """Add vectors computed elsewhere (the on-disk exemplar cache)."""
        self._texts.update(texts)
        self._spans.update(spans)

    def known(self, texts: Iterable[str] = (), spans: Iterable[Span] = ()) -> bool:
        return all(text in self._texts for text in texts) and all(span in self._spans for span in spans)

    @property
    def pools_texts(self) -> bool:
        """Does the backend give the sentence vectors of the texts it runs for spans?"""
        return self.supports_spans and hasattr(self.backend, "encode_spans_and_texts") and bool(getattr(self.backend, "pools_texts", False))

    def missing(self, texts: Iterable[str] = (), spans: Iterable[Span] = ()) -> int:
        """How many distinct texts and spans are not embedded yet (a text that is also the
        text of a missing span is counted once, with the span, when the backend pools it
        from that run: embed the spans first, as the gate does)."""
        spans = [span for span in dict.fromkeys(map(tuple, spans)) if span not in self._spans]
        pooled = {text for text, _, _ in spans} if self.pools_texts else set()
        return sum(text not in self._texts and text not in pooled for text in dict.fromkeys(texts)) + len(spans)

    @contextmanager
    def stage(self, total: int):
        """One progress bar for the next `total` texts and spans, over several encode calls
        (sentences, then spans), so that it never restarts at 0%."""
        if self._advance is not None:
            yield
            return
        with _progress(total, enabled=self.progress and total >= PROGRESS_MIN_TEXTS) as advance:
            self._advance = advance
            try:
                yield
            finally:
                self._advance = None

    def encode(self, texts: Sequence[str]):
        """A (len(texts), dim) float32 array, embedding only texts not seen before."""
        return self._lookup(list(texts), self._texts, self.backend.encode)

    def encode_spans(self, spans: Sequence[Span]):
        """A (len(spans), views, hidden) float32 array of contextual token vectors."""
        embed = self._spans_and_texts if self.pools_texts else self.backend.encode_spans
        return self._lookup([tuple(span) for span in spans], self._spans, embed)

    def _spans_and_texts(self, spans: list[Span]):
        """The backend's span vectors; the sentence vectors of their texts from the same runs
        are kept for encode() (a text embedded before keeps its vector)."""
        vectors, texts = self.backend.encode_spans_and_texts(spans)
        for text, vector in texts.items():
            self._texts.setdefault(text, vector)
        _trim(self._texts)
        return vectors

    def _lookup(self, keys: list, store: dict, embed: Callable):
        import numpy as np

        # The vectors are taken before and as they are embedded, not read back from the
        # store, which drops its oldest half beyond MAX_CACHED while a large call runs.
        distinct = dict.fromkeys(keys)
        found = {key: store[key] for key in distinct if key in store}
        missing = [key for key in distinct if key not in found]
        if missing:
            found.update(self._embed(missing, store, embed))
        if not keys:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([found[key] for key in keys])

    def _embed(self, keys: list, store: dict, embed: Callable) -> dict:
        """Embed `keys` into `store`; their vectors."""
        started = time.perf_counter()
        chunk = self.batch_size * 4
        fresh = {}
        with self.stage(len(keys)):
            advance = self._advance or (lambda done: None)
            for i in range(0, len(keys), chunk):
                part = keys[i:i + chunk]
                vectors = embed(part)
                if len(vectors) != len(part):
                    raise ModelError(f"backend {self.backend.name!r} returned {len(vectors)} vectors for {len(part)} inputs")
                fresh.update(zip(part, vectors))
                store.update(zip(part, vectors))
                advance(len(part))
        _trim(store)
        self.embedded += len(keys)
        self.seconds += time.perf_counter() - started
        return fresh


def _trim(store: dict) -> None:
    """Drop the oldest half of an Encoder's vectors beyond MAX_CACHED."""
    if len(store) > MAX_CACHED:
        for key in list(store)[: len(store) // 2]:
            del store[key]


class _progress:
    """The run's "embedding" stage (mtcheck.progress: one bar per stage, on a terminal only,
    on the same board as the other stages), or a no-op; used as
    `with _progress(n, enabled) as advance`."""

    def __init__(self, total: int, enabled: bool):
        self.total = total
        self.enabled = enabled
        self._stage = None

    def __enter__(self) -> Callable[[int], None]:
        if not self.enabled:
            return lambda done: None
        from ..progress import stage

        self._stage = stage("embedding", total=self.total)
        return self._stage.__enter__().advance

    def __exit__(self, *exc) -> None:
        if self._stage is not None:
            self._stage.__exit__(*exc)


def cache_dir() -> Path:
    """$MTCHECK_CACHE_DIR, else $XDG_CACHE_HOME/mtcheck, else ~/.cache/mtcheck."""
    if os.environ.get("MTCHECK_CACHE_DIR"):
        return Path(os.environ["MTCHECK_CACHE_DIR"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "mtcheck"


def texts_digest(texts: Iterable[str], spans: Iterable[Span] = ()) -> str:
    digest = hashlib.sha256()
    for text in sorted(set(texts)):
        digest.update(b"t" + text.encode("utf-8") + b"\0")
    for text, start, end in sorted(set(spans)):
        digest.update(f"s{start}:{end}:".encode() + text.encode("utf-8") + b"\0")
    return digest.hexdigest()[:16]


class ExemplarCache:
    """Exemplar vectors (sentences and spans) in one .npz file per (model, backend, exemplar set)."""

    def __init__(self, spec: ModelSpec, backend: str, texts: Iterable[str], spans: Iterable[Span] = (), directory: Path | None = None):
        self.texts = sorted(set(texts))
        self.spans = sorted(set(spans))
        safe_name = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in spec.name)[:60]
        self.key = f"{safe_name}-{spec.fingerprint}-{backend}-{texts_digest(self.texts, self.spans)}"
        self.path = (directory or cache_dir()) / "embeddings" / f"{self.key}.npz"

    def load(self) -> tuple[dict[str, object], dict[Span, object]]:
        """The cached vectors, or ({}, {}) when the file is missing, unreadable or for other inputs."""
        import numpy as np

        try:
            with np.load(self.path, allow_pickle=False) as data:
                if int(data["format"]) != CACHE_FORMAT or str(data["key"]) != self.key:
                    return {}, {}
                texts = [str(text) for text in data["texts"]]
                spans = [(str(text), int(start), int(end)) for text, start, end in zip(data["span_texts"], data["span_starts"], data["span_ends"])]
                vectors = np.asarray(data["vectors"], dtype=np.float32)
                span_vectors = np.asarray(data["span_vectors"], dtype=np.float32)
        except Exception:  # a missing or corrupt cache file only means "embed again"
            return {}, {}
        if texts != self.texts or spans != self.spans or len(vectors) != len(texts) or len(span_vectors) != len(spans):
            return {}, {}
        if not (np.isfinite(vectors).all() and np.isfinite(span_vectors).all()):
            return {}, {}
        return dict(zip(texts, vectors)), dict(zip(spans, span_vectors))

    def save(self, encoder: "Encoder") -> bool:
        """Write the encoder's vectors for this exemplar set atomically; False when the cache cannot be written."""
        import numpy as np

        from ..safeio import atomic_write

        buffer = io.BytesIO()
        np.savez(
            buffer, format=np.int64(CACHE_FORMAT), key=np.str_(self.key),
            texts=np.array(self.texts, dtype=str), vectors=encoder.encode(self.texts),
            span_texts=np.array([text for text, _, _ in self.spans], dtype=str),
            span_starts=np.array([start for _, start, _ in self.spans], dtype=np.int64),
            span_ends=np.array([end for _, _, end in self.spans], dtype=np.int64),
            span_vectors=encoder.encode_spans(self.spans) if self.spans else np.zeros((0,), dtype=np.float32),
        )
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(self.path, buffer.getvalue())
        except OSError:
            return False
        return True
