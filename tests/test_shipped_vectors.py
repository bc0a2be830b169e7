"""The exemplar vectors shipped in the package (mtcheck/embeddings/shipped.py): current for
the bundled glossary, read back intact, used by the gate only for their model and backend,
and (with the model) equal to fresh encodings."""

from __future__ import annotations

import numpy as np
import pytest

from mtcheck.embeddings import shipped
from mtcheck.embeddings.encoder import Encoder
from mtcheck.embeddings.gate import EmbeddingSenseGate
from mtcheck.embeddings.model import ModelSpec, resolve_model
from mtcheck.embeddings.shipped import BUILD_COMMAND, ExemplarSet, bundled_exemplars, exemplar_set, key_of, read_shipped, write_shipped

from .test_embeddings import SPEC, XIAOMI, FakeBackend


def test_shipped_vectors_are_current_for_the_bundled_glossary():
    stored = read_shipped()
    assert stored.key, f"no shipped exemplar vectors: run `{BUILD_COMMAND}`"
    current = key_of(resolve_model(None).fingerprint, shipped.BACKEND, bundled_exemplars())
    assert stored.key == current, (
        f"the shipped exemplar vectors are stale (bundled glossary exemplars, model or recipe changed): "
        f"run `{BUILD_COMMAND}` and commit mtcheck/embeddings/{shipped.VECTORS_FILE} and {shipped.KEY_FILE}"
    )
    exemplars = bundled_exemplars()
    assert set(stored.texts) == set(exemplars.texts) and set(stored.spans) == set(exemplars.spans)


def test_exemplar_set_is_the_ambiguous_entries_exemplars_in_order():
    first = exemplar_set([XIAOMI])
    assert first.texts == tuple(sorted(XIAOMI.intended_sense + XIAOMI.literal_sense))
    assert first.spans and all(text[start:end] for text, start, end in first.spans)
    assert exemplar_set([XIAOMI, XIAOMI]) == first
    assert exemplar_set([]) == ExemplarSet((), ())


def _write(folder, fingerprint="0123456789abcdef", backend="fake"):
    exemplars = exemplar_set([XIAOMI])
    fake = FakeBackend()
    texts = fake.encode(list(exemplars.texts))
    spans = fake.encode_spans(list(exemplars.spans))
    write_shipped(folder, key_of(fingerprint, backend, exemplars), exemplars, texts, spans)
    return exemplars, texts, spans


def test_round_trip_in_float16(tmp_path):
    exemplars, texts, spans = _write(tmp_path)
    stored = read_shipped(tmp_path)
    assert stored.matches("0123456789abcdef", "fake") and not stored.matches("0123456789abcdef", "torch")
    assert not stored.matches("fedcba9876543210", "fake")
    for text, vector in zip(exemplars.texts, texts):
        assert np.allclose(stored.texts[text], vector, atol=1e-3)
    for span, vector in zip(exemplars.spans, spans):
        assert stored.spans[span].shape == vector.shape and np.allclose(stored.spans[span], vector, atol=1e-3)


def test_writing_twice_gives_the_same_bytes(tmp_path):
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        _write(tmp_path / name)
    for name in (shipped.VECTORS_FILE, shipped.KEY_FILE):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


@pytest.mark.parametrize("damage", ["missing-key", "truncated", "wrong-shape", "not-json"])
def test_damaged_files_are_ignored(tmp_path, damage):
    _write(tmp_path)
    vectors, key = tmp_path / shipped.VECTORS_FILE, tmp_path / shipped.KEY_FILE
    if damage == "missing-key":
        key.unlink()
    elif damage == "truncated":
        vectors.write_bytes(vectors.read_bytes()[:100])
    elif damage == "wrong-shape":
        np.save(vectors, np.zeros((3, 8), dtype=np.float16))
    else:
        key.write_text("{", encoding="utf-8")
    assert read_shipped(tmp_path) == shipped.EMPTY


def _gate(backend, spec=SPEC):
    return EmbeddingSenseGate(Encoder(backend, progress=False), spec, None, backend="fake", entries=[XIAOMI], tokens=True)


def test_gate_takes_shipped_vectors_for_its_model_and_backend(tmp_path, monkeypatch):
    monkeypatch.setenv("MTCHECK_CACHE_DIR", str(tmp_path / "cache"))
    _write(tmp_path)
    monkeypatch.setattr(shipped, "_shipped", lambda: read_shipped(tmp_path))
    backend = FakeBackend()
    _gate(backend)._prepare([XIAOMI])
    assert backend.calls == []  # nothing embedded: every exemplar was shipped
    assert not (tmp_path / "cache").exists()  # and no disk cache written for them


def test_gate_ignores_shipped_vectors_of_another_model(tmp_path, monkeypatch):
    monkeypatch.setenv("MTCHECK_CACHE_DIR", str(tmp_path / "cache"))
    _write(tmp_path)
    monkeypatch.setattr(shipped, "_shipped", lambda: read_shipped(tmp_path))
    backend = FakeBackend()
    _gate(backend, ModelSpec("other", "/x", "fedcba9876543210"))._prepare([XIAOMI])
    assert sum(len(call) for call in backend.calls) == len(exemplar_set([XIAOMI]).texts) + len(exemplar_set([XIAOMI]).spans)


@pytest.mark.model
def test_shipped_vectors_equal_fresh_encodings():
    from mtcheck.embeddings.encoder import get_backend

    stored = read_shipped()
    backend = get_backend(shipped.BACKEND, resolve_model(None))
    texts = sorted(stored.texts)
    fresh = backend.encode(texts)
    cosines = np.einsum("ij,ij->i", fresh, np.stack([stored.texts[t] for t in texts]))
    assert cosines.min() > 0.9999, texts[int(cosines.argmin())]
    spans = sorted(stored.spans)[:200]
    fresh_spans = backend.encode_spans(spans)
    span_cosines = np.einsum("ijk,ijk->ij", fresh_spans, np.stack([stored.spans[s] for s in spans]))
    assert span_cosines.min() > 0.9999
