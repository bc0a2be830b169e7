"""Cross-lingual sentence similarity with a multilingual model the user names.

mtcheck bundles no multilingual model (its sense-gate model is English-only), so this
runs only with `--cross-lingual-model NAME_OR_PATH`: a sentence-transformers model
directory, or the name of one already in the local Hugging Face cache (nothing is
downloaded). Source and target are embedded and compared by cosine similarity; segments
far below the document's norm (robust z-score) are likely omissions or mistranslations.

The decision (`low_similarity`) is a pure function of the similarities, so it is tested
with injected embeddings; any object with `encode(list[str]) -> array` can stand in for
the model (CheckOptions.extra "cross_lingual_encoder").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol, Sequence

from ..errors import ModelError
from .robust import robust_z_scores

Z_THRESHOLD = 3.0  # robust z below -3: far below the document's norm
MIN_SEGMENTS = 8  # fewer segments give no reliable norm
MIN_SPREAD = 0.02  # similarities within 0.02 of each other are all "normal"
MARGIN = 0.1  # and a flagged segment must also lie this far below the median


class Encoder(Protocol):
    def encode(self, sentences: list[str]): ...


@dataclass(frozen=True)
class SimilarityOutlier:
    index: int
    similarity: float
    median: float
    z: float


def cosine_similarities(encoder: Encoder, sources: Sequence[str], targets: Sequence[str]) -> list[float]:
    """cos(source_i, target_i) for each pair, embedding both sides in one batch."""
    import numpy as np

    if not sources:
        return []
    vectors = np.asarray(encoder.encode(list(sources) + list(targets)), dtype="float64")
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors = vectors / np.where(norms == 0, 1.0, norms)
    left, right = vectors[: len(sources)], vectors[len(sources):]
    return [float(x) for x in (left * right).sum(axis=1)]


def low_similarity(similarities: Sequence[float], threshold: float = Z_THRESHOLD, min_count: int = MIN_SEGMENTS) -> list[SimilarityOutlier]:
    """Segments whose similarity is far below the document's median."""
    if len(similarities) < min_count:
        return []
    import statistics

    median = statistics.median(similarities)
    outliers = []
    for index, (value, z) in enumerate(zip(similarities, robust_z_scores(similarities, MIN_SPREAD))):
        if z < -threshold and value < median - MARGIN:
            outliers.append(SimilarityOutlier(index, value, median, z))
    return outliers


@lru_cache(maxsize=2)
def load_encoder(name_or_path: str) -> Encoder:
    """A sentence-transformers model from a local directory or the local HF cache."""
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError:  # pragma: no cover - a dependency of mtcheck
        raise ModelError("sentence-transformers is not installed", hint="pip install sentence-transformers") from None
    local = Path(name_or_path).expanduser()
    try:
        if local.exists():
            if not local.is_dir():
                raise ModelError("cross-lingual model path is not a model directory", where=str(local), hint="give a sentence-transformers model folder")
            return SentenceTransformer(str(local), device="cpu")
        return SentenceTransformer(name_or_path, device="cpu", local_files_only=True)
    except ModelError:
        raise
    except Exception as exc:  # sentence-transformers raises many kinds of errors here
        reason = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
        raise ModelError(
            f"cannot load cross-lingual model {name_or_path!r}: {reason}",
            hint="give the folder of a multilingual sentence-transformers model (e.g. a saved paraphrase-multilingual-MiniLM-L12-v2); nothing is downloaded",
        ) from None


def encoder_for(options) -> Encoder | None:
    """The encoder injected in CheckOptions.extra, else the model named by the options."""
    injected = dict(options.extra).get("cross_lingual_encoder")
    if injected is not None:
        return injected
    if options.cross_lingual_model:
        return load_encoder(options.cross_lingual_model)
    return None
