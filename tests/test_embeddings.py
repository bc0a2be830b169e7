"""The embedding layer without the model: model resolution errors, the encoder's batching
and caches (with a fake backend), text preparation, signals and the calibration.

Tests that load the sentence-transformers model are in test_embeddings_model.py.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from click.testing import CliRunner

from mtcheck.cli import main
from mtcheck.embeddings import calibration as calibration_module
from mtcheck.embeddings.calibration import Calibration, Combiner, load_calibration
from mtcheck.embeddings.encoder import Encoder, ExemplarCache, get_backend, texts_digest
from mtcheck.embeddings.model import DEFAULT_MODEL, ModelSpec, fingerprint, resolve_model
from mtcheck.embeddings.signals import CandidateVectors, SenseVectors, sentence_signals, token_signals, usage_input
from mtcheck.embeddings.texts import candidate_texts, exemplar_texts
from mtcheck.errors import ModelError
from mtcheck.glossary.loader import load_glossary_any
from mtcheck.models import GlossaryEntry, Segment
from mtcheck.senses import SenseCandidate

from .conftest import modules_imported_by

DATA = Path(__file__).parent / "data"
SENSE_GLOSSARY = str(DATA / "sense-glossary.csv")
SPEC = ModelSpec(name="fake-model", path="/nonexistent", fingerprint="0123456789abcdef")
XIAOMI = GlossaryEntry(
    approved=("Xiaomi",), wrong=("millet",), domain="company",
    intended_sense=("Xiaomi sold more phones.", "The company makes phones."),
    literal_sense=("Millet porridge is a breakfast.", "Farmers grow millet."),
)


def unit(*values: float) -> np.ndarray:
    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


class FakeBackend:
    """Deterministic vectors from a hash of the text; counts what it is asked to embed."""

    name = "fake"
    supports_spans = True

    def __init__(self, dim: int = 8):
        self.dim = dim
        self.calls: list[list] = []

    def _vector(self, key: str) -> np.ndarray:
        rng = np.random.default_rng(int(texts_digest([key]), 16) % 2**32)
        vector = rng.normal(size=self.dim).astype(np.float32)
        return vector / np.linalg.norm(vector)

    def encode(self, texts):
        self.calls.append(list(texts))
        return np.stack([self._vector(text) for text in texts])

    def encode_spans(self, spans):
        self.calls.append(list(spans))
        return np.stack([np.stack([self._vector(f"{t}|{s}|{e}|{view}") for view in range(2)]) for t, s, e in spans])


# -- model resolution ---------------------------------------------------------------------

def test_default_model_is_the_bundled_package():
    spec = resolve_model(None)
    assert spec.name == DEFAULT_MODEL
    assert (Path(spec.path) / "modules.json").is_file()
    assert resolve_model("sentence-transformers/all-MiniLM-L6-v2") == spec
    assert len(spec.fingerprint) == 16


def test_local_model_directory_is_identified_by_content(tmp_path):
    folder = tmp_path / "my-model"
    folder.mkdir()
    (folder / "config.json").write_text('{"hidden_size": 8}', encoding="utf-8")
    (folder / "model.safetensors").write_bytes(b"\0" * 10)
    spec = resolve_model(str(folder))
    assert spec.name == "my-model" and spec.path == str(folder.resolve())
    before = spec.fingerprint
    (folder / "model.safetensors").write_bytes(b"\0" * 11)
    assert fingerprint(folder) != before


@pytest.mark.parametrize("value, message", [
    ("./no/such/folder", "model directory not found"),
    ("/no/such/folder/", "model directory not found"),
])
def test_missing_model_paths_are_clear_errors(value, message):
    with pytest.raises(ModelError) as info:
        resolve_model(value)
    assert message in info.value.one_line() and "--no-embed" in info.value.one_line()


def test_a_folder_without_a_model_is_a_clear_error(tmp_path):
    with pytest.raises(ModelError, match="not a sentence-transformers model directory"):
        resolve_model(str(tmp_path))


def test_unknown_model_name_is_not_downloaded(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf" / "hub"))
    with pytest.raises(ModelError) as info:
        resolve_model("no-such-org/no-such-model")
    line = info.value.one_line()
    assert "not in the Hugging Face cache" in line and "nothing is downloaded" in line
    assert "SentenceTransformer('no-such-org/no-such-model').save" in line and "--no-embed" in line
    assert "config.json, modules.json, the tokenizer files and model.safetensors" in line
    assert "~/.cache/huggingface/hub/models--no-such-org--no-such-model/snapshots/REV/" in line


def test_cli_reports_a_missing_model_in_one_line_with_exit_2(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf" / "hub"))
    text = tmp_path / "mt.txt"
    text.write_text("Millet released a new phone with a faster chip.\n", encoding="utf-8")
    args = ["check", str(text), "--no-default-glossary", "--glossary", SENSE_GLOSSARY, "--model", "no-such-model-anywhere"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and errors[0].startswith("mtcheck: error: model 'no-such-model-anywhere'")
    assert "Traceback" not in result.output


def test_unknown_backend_is_a_clear_error():
    with pytest.raises(ModelError, match="embedding backend 'no-such-backend' is not available") as info:
        get_backend("no-such-backend", SPEC)
    assert "--backend" in info.value.one_line() and "torch" in info.value.one_line()


def test_checks_without_ambiguous_hits_never_import_torch(tmp_path):
    """The model is loaded lazily: embeddings on, but nothing needs the gate."""
    text = tmp_path / "mt.txt"
    text.write_text("Xiaomi released a new phone.\nThe weather was fine.\n", encoding="utf-8")
    code = (
        "from click.testing import CliRunner\nfrom mtcheck.cli import main\n"
        f"result = CliRunner().invoke(main, ['check', {str(text)!r}, '--no-default-glossary', '--glossary', {SENSE_GLOSSARY!r}])\n"
        "assert result.exit_code == 0, result.output\n"
    )
    assert modules_imported_by(code, ("torch", "sentence_transformers")) == []


# -- encoder ------------------------------------------------------------------------------

def test_encoder_embeds_each_distinct_text_once_in_batches():
    backend = FakeBackend()
    encoder = Encoder(backend, progress=False, batch_size=2)
    texts = [f"text {i}" for i in range(10)]
    first = encoder.encode(texts + texts[:3])
    assert first.shape == (13, 8) and first.dtype == np.float32
    assert [len(call) for call in backend.calls] == [8, 2]  # chunks of 4 x batch size
    assert np.allclose(first[10:], first[:3])
    again = encoder.encode(["text 3", "new text"])
    assert backend.calls[-1] == ["new text"]
    assert np.allclose(again[0], first[3]) and encoder.embedded == 11


def test_encoder_caches_spans_separately_from_texts():
    backend = FakeBackend()
    encoder = Encoder(backend, progress=False)
    spans = [("Millet sold phones.", 0, 6), ("Millet sold phones.", 0, 6), ("Farmers grow millet.", 13, 19)]
    vectors = encoder.encode_spans(spans)
    assert vectors.shape == (3, 2, 8)
    assert len(backend.calls) == 1 and len(backend.calls[0]) == 2
    assert encoder.known(spans=spans) and not encoder.known(texts=["Millet sold phones."])


class PoolingBackend(FakeBackend):
    """A FakeBackend whose span runs also give their texts' sentence vectors."""

    pools_texts = True

    def encode_spans_and_texts(self, spans):
        vectors = self.encode_spans(spans)
        return vectors, {text: self._vector(text) for text, _, _ in spans}


def test_encoder_keeps_the_sentence_vectors_of_span_runs():
    backend = PoolingBackend()
    encoder = Encoder(backend, progress=False)
    texts = ["Millet sold phones.", "Farmers grow millet.", "A third sentence."]
    encoder.encode(texts[2:])  # embedded before: keeps its vector
    spans = [(texts[0], 0, 6), (texts[1], 13, 19), (texts[2], 2, 7)]
    assert encoder.pools_texts and encoder.missing(texts, spans) == 3  # each text once, with its span
    encoder.encode_spans(spans)
    calls = len(backend.calls)
    vectors = encoder.encode(texts)
    assert len(backend.calls) == calls  # no further model run
    assert np.array_equal(vectors, np.stack([backend._vector(text) for text in texts]))
    assert encoder.missing(texts, spans) == 0


def test_encoder_without_pooling_counts_texts_and_spans_apart():
    encoder = Encoder(FakeBackend(), progress=False)
    spans = [("Millet sold phones.", 0, 6)]
    assert not encoder.pools_texts and encoder.missing(["Millet sold phones."], spans) == 2
    encoder.encode_spans(spans)
    assert not encoder.known(texts=["Millet sold phones."])


def test_encoder_returns_every_vector_of_a_call_larger_than_its_store(monkeypatch):
    from mtcheck.embeddings import encoder as encoder_module

    monkeypatch.setattr(encoder_module, "MAX_CACHED", 4)
    backend = FakeBackend()
    texts = [f"text {i}" for i in range(10)]
    vectors = Encoder(backend, progress=False).encode(texts)
    assert np.array_equal(vectors, np.stack([backend._vector(text) for text in texts]))


def test_encoder_progress_bar_on_long_runs(capsys):
    backend = FakeBackend()
    vectors = Encoder(backend, progress=True, batch_size=16).encode([f"text {i}" for i in range(300)])
    assert vectors.shape == (300, 8) and sum(len(call) for call in backend.calls) == 300
    assert capsys.readouterr().out == ""  # the bar goes to stderr only


def test_encoder_rejects_a_backend_that_loses_vectors():
    class Broken(FakeBackend):
        def encode(self, texts):
            return super().encode(texts)[:-1]

    with pytest.raises(ModelError, match="returned 1 vectors for 2 inputs"):
        Encoder(Broken(), progress=False).encode(["a", "b"])


# -- exemplar cache -----------------------------------------------------------------------

def _filled_encoder(texts, spans):
    encoder = Encoder(FakeBackend(), progress=False)
    encoder.encode(texts)
    encoder.encode_spans(spans)
    return encoder


def test_exemplar_cache_round_trip(tmp_path):
    texts, spans = ["Xiaomi sold phones.", "Farmers grow millet."], [("Farmers grow millet.", 13, 19)]
    cache = ExemplarCache(SPEC, "torch", texts, spans, directory=tmp_path)
    assert cache.load() == ({}, {})
    encoder = _filled_encoder(texts, spans)
    assert cache.save(encoder)
    loaded_texts, loaded_spans = ExemplarCache(SPEC, "torch", reversed(texts), spans, directory=tmp_path).load()
    assert set(loaded_texts) == set(texts) and set(loaded_spans) == set(spans)
    assert np.allclose(loaded_texts["Xiaomi sold phones."], encoder.encode(["Xiaomi sold phones."])[0])


def test_exemplar_cache_is_keyed_by_model_backend_and_exemplars(tmp_path):
    base = ExemplarCache(SPEC, "torch", ["a"], directory=tmp_path).path
    assert ExemplarCache(SPEC, "onnx-int8", ["a"], directory=tmp_path).path != base
    assert ExemplarCache(ModelSpec("fake-model", "/x", "fedcba9876543210"), "torch", ["a"], directory=tmp_path).path != base
    assert ExemplarCache(SPEC, "torch", ["a", "b"], directory=tmp_path).path != base


@pytest.mark.parametrize("damage", [
    lambda path: path.write_bytes(b"not a zip file"),
    lambda path: path.write_bytes(path.read_bytes()[:100]),
    lambda path: path.write_bytes(b""),
])
def test_corrupt_exemplar_cache_is_ignored(tmp_path, damage):
    texts = ["Xiaomi sold phones."]
    cache = ExemplarCache(SPEC, "torch", texts, directory=tmp_path)
    assert cache.save(_filled_encoder(texts, []))
    damage(cache.path)
    assert cache.load() == ({}, {})


def test_unwritable_cache_does_not_fail_the_run(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    cache = ExemplarCache(SPEC, "torch", ["a"], directory=blocker)  # a file where a folder must go
    assert cache.save(_filled_encoder(["a"], [])) is False


def test_cache_dir_follows_the_environment(monkeypatch, tmp_path):
    from mtcheck.embeddings.encoder import cache_dir

    monkeypatch.setenv("MTCHECK_CACHE_DIR", str(tmp_path / "c"))
    assert cache_dir() == tmp_path / "c"
    monkeypatch.delenv("MTCHECK_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "mtcheck"


# -- texts --------------------------------------------------------------------------------

def _candidate(target: str, term: str, entry: GlossaryEntry = XIAOMI, replacement: str = "Xiaomi", context: str = "") -> SenseCandidate:
    start = target.index(term)
    return SenseCandidate(
        segment=Segment(id="1", target=target, file="doc.txt", line=1), start=start, end=start + len(term),
        entry=entry, sentence="", context=context, replacement=replacement, approved_elsewhere=0, related_names=0,
    )


def test_candidate_texts_apply_the_fix_and_keep_the_spans():
    target = "Sales rose. Last year millet shipped ten million phones. Lei Jun was pleased."
    texts = candidate_texts(_candidate(target, "millet", context="Next segment."))
    assert texts.sentence == "Last year millet shipped ten million phones."
    assert texts.fixed == "Last year Xiaomi shipped ten million phones."
    assert texts.context == ("Sales rose.", "Lei Jun was pleased.", "Next segment.")
    window, start, end = texts.term
    assert window[start:end] == "millet"
    named, start, end = texts.name
    assert named[start:end] == "Xiaomi" and named.replace("Xiaomi", "millet") == window


def _siblings(target: str, *terms: str) -> list[SenseCandidate]:
    """Candidates of one segment for `terms` (each "wrong=Replacement"), in order."""
    segment = Segment(id="1", target=target, file="doc.txt", line=1)
    out, cursor = [], 0
    for term in terms:
        wrong, replacement = term.split("=")
        start = target.index(wrong, cursor)
        cursor = start + len(wrong)
        out.append(SenseCandidate(segment=segment, start=start, end=cursor, entry=XIAOMI, sentence="", context="",
                                  replacement=replacement, approved_elsewhere=0, related_names=0))
    return out


@pytest.mark.parametrize("target, terms, which, fixed, named", [
    # Every suspect rendering of the sentence is fixed in the fixed sentence and the window.
    ("Millet met apple and glory today.", ("Millet=Xiaomi", "apple=Apple", "glory=Honor"), 1,
     "Xiaomi met Apple and Honor today.", "Xiaomi met Apple and Honor today."),
    # A sibling in another sentence is fixed in the window (the segment), not in the sentence.
    ("Millet grew. Then apple fell.", ("Millet=Xiaomi", "apple=Apple"), 1,
     "Then Apple fell.", "Xiaomi grew. Then Apple fell."),
    # One candidate alone: as before.
    ("She cooked millet.", ("millet=Xiaomi",), 0, "She cooked Xiaomi.", "She cooked Xiaomi."),
    # A replacement longer than the text it replaces, before the hit: offsets follow.
    ("red rice and millet sold.", ("red rice=Redmi phones", "millet=Xiaomi"), 1,
     "Redmi phones and Xiaomi sold.", "Redmi phones and Xiaomi sold."),
])
def test_candidate_texts_apply_the_fixes_of_the_segment(target, terms, which, fixed, named):
    candidates = _siblings(target, *terms)
    texts = candidate_texts(candidates[which], candidates)
    assert texts.fixed == fixed
    text, start, end = texts.name
    assert text == named and text[start:end] == candidates[which].replacement
    window, start, end = texts.term  # the hit as written is unchanged
    assert window == target and window[start:end] == target[candidates[which].start:candidates[which].end]


def test_candidate_texts_leave_siblings_beyond_the_sentence_and_window_alone():
    target = "Millet grew. " + "Word " * 60 + "end. " + "Word " * 60 + "then apple fell."
    candidates = _siblings(target, "Millet=Xiaomi", "apple=Apple")
    texts = candidate_texts(candidates[0], candidates)
    assert texts.fixed == "Xiaomi grew."
    assert texts.name[0].startswith("Xiaomi grew. Word") and "pple" not in texts.name[0]  # the window ends before "apple"
    far = candidate_texts(candidates[1], candidates)
    assert far.fixed == "Word " * 60 + "then Apple fell."
    assert far.name[0].endswith("then Apple fell.") and "Millet" not in far.name[0] and "Xiaomi" not in far.name[0]


def test_candidate_texts_ignore_overlapping_and_foreign_siblings():
    target = "Millet phone sold well."
    own = _siblings(target, "Millet=Xiaomi")[0]
    overlapping = _siblings(target, "Millet phone=Xiaomi phone")[0]
    foreign = _siblings("Millet phone sold well.", "phone=handset")[0]  # same text, another segment
    texts = candidate_texts(own, [own, overlapping, foreign])
    assert texts.fixed == "Xiaomi phone sold well." and texts.name[0] == "Xiaomi phone sold well."


@pytest.mark.parametrize("target, hit, neighbours, expected", [
    # The segment's own sentences, nearest first before, then after, then the neighbours.
    ("One. Two. Millet grew. Three. Four.", "Millet", "Prev seg. Next seg.",
     ("Two.", "One.", "Three.", "Four.", "Prev seg.", "Next seg.")),
    # No other sentence and no neighbours: no context.
    ("Millet grew.", "Millet", "", ()),
    # Whole sentences that end (before) or start (after) within CONTEXT_CHARS (250) of the
    # hit's sentence; those farther away are left out.
    ("Far one. " + "Word " * 60 + "mid. Millet grew. After. " + "Word " * 60 + "end. Last one.", "Millet", "",
     (("Word " * 60 + "mid.").strip(), "After.", ("Word " * 60 + "end.").strip())),
    # Whole sentences up to CONTEXT_MAX (700) characters in all; the first is always kept.
    ("Millet grew.", "Millet", ("Word " * 80 + "end. ") * 3, (("Word " * 80 + "end.").strip(),)),
    # A sentence longer than CONTEXT_MAX keeps the part nearest the hit.
    ("Long " * 200 + "tail. Millet grew. Next " + "word " * 200 + "end.", "Millet", "",
     (("Long " * 200 + "tail.")[-700:].strip(),)),
])
def test_context_sentences(target, hit, neighbours, expected):
    from mtcheck.embeddings.texts import context_sentences
    from mtcheck.textutil import sentence_at

    start, end = sentence_at(target, target.index(hit))
    assert context_sentences(target, start, end, neighbours) == expected


def test_context_vector_is_the_length_weighted_mean_of_its_sentences():
    from mtcheck.embeddings.gate import _context_vector

    vectors = {"ab": np.array([1.0, 0.0], dtype=np.float32), "abcdef": np.array([0.0, 1.0], dtype=np.float32)}
    vector = _context_vector(("ab", "abcdef"), vectors)
    assert vector.dtype == np.float32 and math.isclose(float(np.linalg.norm(vector)), 1.0, rel_tol=1e-6)
    assert np.allclose(vector, np.array([2.0, 6.0]) / math.hypot(2.0, 6.0))
    assert np.allclose(_context_vector(("ab",), vectors), vectors["ab"])


def test_candidate_window_is_cut_around_the_hit():
    target = "word " * 200 + "millet " + "word " * 200
    window, start, end = candidate_texts(_candidate(target, "millet")).term
    assert window[start:end] == "millet" and len(window) <= 2 * 200 + len("millet")


def test_a_long_sentence_is_cut_around_each_hit_and_its_siblings_stay_near():
    """A segment with no sentence end: each hit's sentence and fixed sentence are a cut of
    about SENTENCE_CHARS around it (the model would not see a hit further in), so the texts
    of all hits grow with the hits, not with hits x length."""
    from mtcheck.senses import SENTENCE_CHARS

    chunk = "the board of millet met the apple growers, "
    target = "Reporters said that " + chunk * 400 + "and left."
    candidates = _siblings(target, *(["millet=Xiaomi"] * 400))
    built = [candidate_texts(candidate, candidates) for candidate in candidates]
    assert all("millet" in texts.sentence and len(texts.sentence) <= SENTENCE_CHARS for texts in built)
    assert all(len(texts.fixed) <= SENTENCE_CHARS + 400 for texts in built)
    assert all("Xiaomi" in texts.fixed and "millet" not in texts.fixed for texts in built)
    middle = built[200].sentence
    assert len(middle) > SENTENCE_CHARS - 50 and abs(middle.index("millet", len(middle) // 2 - 30) - len(middle) // 2) < 60
    # A sentence up to SENTENCE_CHARS is kept whole.
    whole = "Then " + "the board of millet met, " * 38 + "and left."
    assert len(whole) <= SENTENCE_CHARS
    assert candidate_texts(_candidate("Sales rose. " + whole + " Next.", "millet")).sentence == whole


def test_exemplar_texts_swap_the_wrong_rendering_into_intended_exemplars():
    ex = exemplar_texts(XIAOMI)
    assert [text[s:e] for text, s, e in ex.intended_spans] == ["Millet"]  # "The company makes phones." has no name
    assert ex.intended_spans[0][0] == "Millet sold more phones."
    assert [text[s:e] for text, s, e in ex.literal_spans] == ["Millet", "millet"]
    assert [text[s:e] for text, s, e in ex.name_spans] == ["Xiaomi"]


def test_exemplar_texts_of_a_case_sensitive_entry_use_its_exact_wrong_form():
    apple = GlossaryEntry(approved=("Apple",), wrong=("apple",), case_sensitive=True,
                          intended_sense=("Apple sold more phones.",), literal_sense=("Apple pie is sweet.", "She ate an apple."))
    ex = exemplar_texts(apple)
    assert ex.intended_spans == (("apple sold more phones.", 0, 5),)
    assert [text[s:e] for text, s, e in ex.literal_spans] == ["Apple", "apple"]


def test_every_ambiguous_test_glossary_entry_has_located_exemplars():
    for entry in load_glossary_any(SENSE_GLOSSARY).entries:
        ex = exemplar_texts(entry)
        assert len(ex.intended_spans) == len(entry.intended_sense), entry.approved
        assert len(ex.literal_spans) == len(entry.literal_sense), entry.approved


# -- signals ------------------------------------------------------------------------------

INTENDED = np.stack([unit(1, 0, 0), unit(1, 0.2, 0)])
LITERAL = np.stack([unit(0, 1, 0), unit(0, 1, 0.3)])


def _vectors(sentence, fixed=None, context=None, term=None, name=None):
    return CandidateVectors(sentence=sentence, fixed=fixed if fixed is not None else sentence, context=context,
                            document=sentence, term=term, name=name)


@pytest.mark.parametrize("sentence, sign", [(unit(1, 0.1, 0), 1), (unit(0.1, 1, 0), -1)])
def test_sentence_margin_points_to_the_nearer_sense(sentence, sign):
    values = sentence_signals(_vectors(sentence), SenseVectors(INTENDED, LITERAL), approved_elsewhere=0, related_names=0)
    assert math.copysign(1, values["sentence_margin"]) == sign
    assert math.copysign(1, values["document_margin"]) == sign
    assert values["no_context"] == 1.0 and values["context_margin"] == 0.0


def test_substitution_gain_rewards_a_fix_that_fits_the_context():
    context = unit(1, 0, 0)
    values = sentence_signals(_vectors(unit(0.5, 1, 0), fixed=unit(1, 0.5, 0), context=context),
                              SenseVectors(INTENDED, LITERAL), approved_elsewhere=2, related_names=5)
    assert values["substitution_context_gain"] > 0 and values["substitution_sense_gain"] > 0
    assert values["no_context"] == 0.0 and values["context_margin"] > 0
    assert values["approved_elsewhere"] == 1.0 and values["related_names"] == 1.0


def test_token_signals_and_usage_input_per_view():
    tokens = lambda rows: np.stack([np.stack([row, row]) for row in rows])  # noqa: E731 (two identical views)
    sense = SenseVectors(INTENDED, LITERAL, tokens(INTENDED), tokens(LITERAL), tokens(INTENDED[:1]))
    term = np.stack([unit(1, 0.1, 0), unit(1, 0.1, 0)])
    values = token_signals(_vectors(unit(1, 0, 0), term=term, name=term), sense)
    assert values["token_margin"] > 0 and values["token_margin_v1"] == pytest.approx(values["token_margin"])
    assert values["name_fit"] == pytest.approx(float(term[0] @ INTENDED[0]))
    assert usage_input(_vectors(unit(1, 0, 0), term=term), sense).shape == (4 * 3,)
    no_tokens = SenseVectors(INTENDED, LITERAL)
    assert token_signals(_vectors(unit(1, 0, 0), term=term, name=term), no_tokens) == {}
    assert usage_input(_vectors(unit(1, 0, 0), term=term), no_tokens) is None


@pytest.mark.parametrize("features, inputs", [
    (("sentence_margin", "approved_elsewhere"), set()),
    (("sentence_margin", "token_top2_margin", "usage_score"), {"term"}),
    (("token_margin_v1", "name_mean_fit_v1"), {"term", "name"}),
    (("context_margin",), {"context"}),
    (("substitution_context_gain",), {"fixed", "context"}),
    (("substitution_sense_gain", "no_context"), {"fixed", "context"}),
])
def test_each_signal_declares_what_it_is_computed_from(features, inputs):
    from mtcheck.embeddings.signals import inputs_for

    assert inputs_for(features) == inputs


def test_signals_whose_inputs_were_not_embedded_are_left_out():
    sense = SenseVectors(INTENDED, LITERAL)
    lean = sentence_signals(CandidateVectors(sentence=unit(1, 0.1, 0), fixed=None, context=None, document=unit(1, 0.1, 0)),
                            sense, approved_elsewhere=0, related_names=0, inputs=frozenset({"term"}))
    assert set(lean) == {"sentence_margin", "sentence_mean_margin", "document_margin", "approved_elsewhere", "related_names"}
    full = sentence_signals(_vectors(unit(1, 0.1, 0)), sense, approved_elsewhere=0, related_names=0)
    assert {name: full[name] for name in lean} == lean
    tokens = lambda rows: np.stack([np.stack([row, row]) for row in rows])  # noqa: E731
    with_names = SenseVectors(INTENDED, LITERAL, tokens(INTENDED), tokens(LITERAL), tokens(INTENDED[:1]))
    term = np.stack([unit(1, 0.1, 0), unit(1, 0.1, 0)])
    assert not any(name.startswith("name_") for name in token_signals(_vectors(unit(1, 0, 0), term=term), with_names))


# -- calibration --------------------------------------------------------------------------

def _combiner(**overrides) -> Combiner:
    values = dict(features=("a", "b"), coefficients=(2.0, -1.0), intercept=0.5, mean=(0.0, 1.0), scale=(1.0, 2.0),
                  threshold=0.7, low=(-1.0, -5.0), high=(1.0, 5.0))
    values.update(overrides)
    return Combiner(**values)


def test_combiner_is_a_standardised_logistic_regression():
    combiner = _combiner()
    assert combiner.logit({"a": 0.5, "b": 3.0}) == pytest.approx(0.5 + 2.0 * 0.5 - 1.0 * 1.0)
    assert combiner.probability({}) == pytest.approx(1 / (1 + math.exp(-0.5)))  # missing = mean: no evidence
    assert combiner.logit({"a": 100.0}) == combiner.logit({"a": 1.0})  # clipped to the fitted range
    assert combiner.probability({"a": 0.9}) > combiner.probability({"a": 0.1})


def test_discourse_pooling_moves_a_hit_towards_its_other_hits():
    combiner = _combiner(discourse=(1.0, 0.8, 0.0))
    assert combiner.pooled_logit(-1.0, None) == -1.0
    assert combiner.pooled_logit(-1.0, 4.0) > 0
    assert combiner.pooled_logit(-1.0, -4.0) < -1.0
    assert combiner.pooled_logit(-100.0, 0.0) == pytest.approx(-8.0)  # log-odds are clipped


def test_usage_score_needs_a_matching_input():
    combiner = _combiner(usage_weights=(1.0, 2.0), usage_bias=-1.0)
    assert combiner.usage_score(np.array([1.0, 1.0], dtype=np.float32)) == pytest.approx(2.0)
    assert combiner.usage_score(None) is None and combiner.usage_score(np.zeros(3)) is None


def test_shipped_calibration_loads_and_is_consistent():
    calibration = load_calibration()
    assert calibration.model == DEFAULT_MODEL
    assert calibration.fingerprint == resolve_model(None).fingerprint
    assert calibration.token is not None and calibration.token.uses_tokens
    assert 0 < calibration.token.threshold < 1 and 0 < calibration.sentence.threshold < 1
    assert len(calibration.token.usage_weights) > 0 and not calibration.sentence.uses_tokens
    assert {"company", "brand"} <= set(calibration.token.domains) and not calibration.sentence.domains
    assert calibration.info["occurrences"] >= 200
    assert calibration.token_usable(calibration.fingerprint, spans=True)
    assert not calibration.token_usable("another-model", spans=True)
    assert not calibration.token_usable(calibration.fingerprint, spans=False)


def test_calibration_round_trips_through_json(tmp_path):
    calibration = Calibration(model="m", fingerprint="f", sentence=_combiner(), token=_combiner(discourse=(1.0, 0.5, 0.1), domains=("company",)))
    path = tmp_path / "calibration.json"
    path.write_text(calibration.to_json(), encoding="utf-8")
    assert load_calibration(path) == calibration


def test_calibration_file_can_be_chosen_by_environment(tmp_path, monkeypatch):
    calibration = Calibration(model="other", fingerprint="f", sentence=_combiner())
    path = tmp_path / "other.json"
    path.write_text(calibration.to_json(), encoding="utf-8")
    monkeypatch.setenv("MTCHECK_SENSE_CALIBRATION", str(path))
    assert load_calibration() == calibration


@pytest.mark.parametrize("content", ["not json", "{}", json.dumps({"model": "m", "fingerprint": "f", "sentence": {"features": ["a"], "coefficients": [], "intercept": 0, "mean": [0], "scale": [1], "threshold": 0.5}})])
def test_broken_calibration_is_a_clear_error(tmp_path, content):
    path = tmp_path / "calibration.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ModelError, match="sense-gate calibration unreadable"):
        load_calibration(path)
    assert calibration_module.CALIBRATION_FILE.name == "sense_gate_calibration.json"


@pytest.fixture
def bars(monkeypatch):
    """The encoder's progress bars, as [total, advanced] each."""
    recorded = []

    class Recorder:
        def __init__(self, total, enabled):
            recorded.append([total, 0])

        def __enter__(self):
            return lambda done: recorded[-1].__setitem__(1, recorded[-1][1] + done)

        def __exit__(self, *exc):
            return None

    from mtcheck.embeddings import encoder as encoder_module

    monkeypatch.setattr(encoder_module, "_progress", Recorder)
    return recorded


def test_one_progress_bar_over_sentences_and_spans(bars):
    encoder = Encoder(FakeBackend(), progress=True, batch_size=4)
    texts = [f"text {i}" for i in range(30)]
    spans = [(f"span text {i}", 0, 4) for i in range(20)]
    assert encoder.missing(texts + texts[:5], spans) == 50
    with encoder.stage(encoder.missing(texts, spans)):
        encoder.encode(texts)
        encoder.encode_spans(spans)
    assert bars == [[50, 50]]  # one bar, filled once, never restarted
    assert encoder.missing(texts, spans) == 0


def test_one_full_bar_when_span_runs_give_the_sentence_vectors(bars):
    backend = PoolingBackend()
    encoder = Encoder(backend, progress=True, batch_size=4)
    windows = [f"segment {i}" for i in range(20)]
    texts = windows + [f"context {i}" for i in range(10)]
    spans = [(text, 0, 7) for text in windows]
    with encoder.stage(encoder.missing(texts, spans)):
        encoder.encode_spans(spans)  # spans first, as the gate does
        encoder.encode(texts)
    assert bars == [[30, 30]]
    assert sum(len(call) for call in backend.calls) == 30  # 20 windows (spans) + 10 contexts


def test_encoder_bar_is_the_runs_embedding_stage_on_the_shared_board():
    """The encoder reports through mtcheck.progress, so its bar sits on the same board as the
    other stages (one rich display, not a second one that rich would refuse)."""
    import io
    import re

    from rich.console import Console

    from mtcheck import progress

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=100)
    with progress.shown_on(console, delay=0):
        with progress.stage("checks", total=1):
            encoder = Encoder(FakeBackend(), progress=True, batch_size=64)
            texts = [f"text {i}" for i in range(300)]
            with encoder.stage(encoder.missing(texts)):
                encoder.encode(texts)
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", buffer.getvalue()).replace("\r", "\n")
    embedding = [line.strip() for line in plain.split("\n") if line.strip().startswith("embedding")]
    assert embedding and embedding[-1].split()[-2] == "300/300"


@given(st.text(alphabet="ab .", min_size=1, max_size=40), st.data())
@settings(max_examples=200, deadline=None)
def test_with_fixes_applies_every_edit_inside_the_range(text, data):
    from mtcheck.embeddings.texts import _with_fixes

    # Hits are non-empty and do not overlap (overlaps: the table test above).
    cuts = sorted(data.draw(st.sets(st.integers(0, len(text)), min_size=2, max_size=8)))
    edits = [(cuts[i], cuts[i + 1], data.draw(st.text(alphabet="XY", max_size=4))) for i in range(0, len(cuts) - 1, 2)]
    fix = data.draw(st.sampled_from(edits))
    left = data.draw(st.integers(0, fix[0]))
    right = data.draw(st.integers(fix[1], len(text)))
    others = [edit for edit in edits if edit != fix]
    result, at = _with_fixes(text, left, right, fix, others)
    assert result[at:at + len(fix[2])] == fix[2]
    inside = sorted(edit for edit in edits if left <= edit[0] and edit[1] <= right)
    expected, cursor = "", left
    for start, end, replacement in inside:
        expected += text[cursor:start] + replacement
        cursor = end
    assert result == expected + text[cursor:right]
