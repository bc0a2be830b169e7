"""The embedding sense gate with the real (bundled) model: fixed sense cases, a garbled
document, model resolution through the CLI, the on-disk exemplar cache and timings.

All sentences here were written for these tests. The model is loaded once per session
(get_backend caches it per process).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from mtcheck import CheckOptions, check_text
from mtcheck.cli import main
from mtcheck.embeddings.calibration import load_calibration
from mtcheck.embeddings.encoder import Encoder, get_backend
from mtcheck.embeddings.gate import EmbeddingSenseGate
from mtcheck.embeddings.model import resolve_model
from mtcheck.embeddings.shipped import read_shipped
from mtcheck.embeddings.texts import exemplar_texts
from mtcheck.glossary.loader import load_glossary_any
from mtcheck.models import Applicability, Severity, Segment
from mtcheck.senses import SenseCandidate

pytestmark = pytest.mark.model

DATA = Path(__file__).parent / "data"
SENSE_GLOSSARY = str(DATA / "sense-glossary.csv")


@pytest.fixture(scope="module", autouse=True)
def private_cache(tmp_path_factory):
    """Keep exemplar caches out of the user's ~/.cache."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MTCHECK_CACHE_DIR", str(tmp_path_factory.mktemp("mtcheck-cache")))
        yield


@pytest.fixture(scope="session")
def backend():
    return get_backend("torch", resolve_model(None))


def sense_options(**overrides) -> CheckOptions:
    values = dict(glossaries=(SENSE_GLOSSARY,), use_default_glossary=False, select=("GL001",))
    values.update(overrides)
    return CheckOptions(**values)


# (sentence, the trap word in it, is it the mistranslated name or term?)
SENSE_CASES = [
    ("Farmers in the dry hills sow millet in May and harvest it before the autumn rains.", "millet", False),
    ("Millet released its new smartphone with a faster chip and a bigger battery on Tuesday.", "Millet", True),
    ("She sliced an apple into her porridge and added a spoon of honey.", "apple", False),
    ("The new phone outsold apple and Samsung in the Chinese market last quarter.", "apple", True),
    ("The old harbour town has a quiet charm that draws painters every summer.", "charm", False),
    ("Charm released a thin phone with fast charging, and its stores sold out within hours.", "Charm", True),
    ("Copying large data files between the two labs takes all night.", "large data", False),
    ("The city will use large data and cloud computing to build a smart internet economy.", "large data", True),
    ("The residents' association voted to repaint the stairwell next spring.", "association", False),
    ("Sales of the new laptop helped association keep its place as the largest PC maker in the world.", "association", True),
    ("The glory of the old dynasty lives on in its temples and city walls.", "glory", False),
    ("Glory launched a folding phone and said its shipments doubled this year.", "Glory", True),
    ("A bowl of red rice with pickled vegetables is a cheap lunch in the hill villages.", "red rice", False),
    ("The red rice Note phone sold out in ten minutes on the shopping festival.", "red rice", True),
]


@pytest.mark.parametrize("text, term, mistranslation", SENSE_CASES, ids=[f"{c[1]}-{'name' if c[2] else 'word'}" for c in SENSE_CASES])
def test_sense_gate_fixed_cases(text, term, mistranslation):
    findings = [f for f in check_text(text, sense_options()).findings if f.rule == "GL001"]
    if not mistranslation:
        assert findings == []
        return
    assert [f.text for f in findings] == [term]
    finding = findings[0]
    assert finding.severity is Severity.ERROR and finding.confidence >= load_calibration().token.threshold
    assert any(e.startswith("sense gate (embedding:all-MiniLM-L6-v2)") for e in finding.evidence)
    assert any("logit)" in e for e in finding.evidence)  # the signals that decided, with values


def test_ordinary_word_is_kept_when_its_probability_is_low():
    """The same entry, with --min-confidence 0: the gate drops the ordinary word by its own threshold."""
    result = check_text("Finger millet flour makes a thick porridge for breakfast.", sense_options(min_confidence=0.0))
    assert result.findings == ()


def test_garbled_document_flags_every_company_millet_and_no_xiaomi():
    text = "\n".join([
        "Interview with the founder of Xiaomi about quality.",
        "In the past five years millet has grown into a phone maker with thousands of employees.",
        "Last year the volume of millet shipments declined, and the company cut its prices.",
        "Now millet will focus on chips and screens, and Xiaomi opened stores abroad.",
        "The founder said millet TV can recommend content with artificial intelligence.",
    ])
    result = check_text(text, CheckOptions(select=("GL001",)))  # default glossaries and model
    flagged = [(f.line, f.text) for f in result.findings]
    assert [line for line, text in flagged if text.lower().startswith("millet")] == [2, 3, 4, 5]
    assert not any(text == "Xiaomi" for _, text in flagged)


def test_hits_of_one_term_in_a_document_share_evidence():
    """One sense per discourse: a hard occurrence is judged with the term's other hits."""
    hard = "Last year the volume of millet shipments declined."
    alone = check_text(hard, CheckOptions(select=("GL001",))).findings
    text = "\n".join([
        "Millet released a new smartphone and a smart watch in Beijing.",
        hard,
        "The founder said millet will spend more on chips and operating systems.",
    ])
    together = [f for f in check_text(text, CheckOptions(select=("GL001",))).findings if f.line == 2]
    assert together and together[0].text == "millet"
    assert not alone or together[0].confidence > alone[0].confidence
    # the document layer (mtcheck/cues.py, mtcheck/discourse.py) names the document evidence it used
    assert any("one sense per discourse" in e or "in the document" in e for e in together[0].evidence)


def test_min_confidence_drops_findings_below_it():
    text = "The new phone outsold apple and Samsung in the Chinese market last quarter."
    kept = check_text(text, sense_options()).findings
    assert kept and kept[0].confidence < 1.0
    assert check_text(text, sense_options(min_confidence=min(1.0, kept[0].confidence + 0.0005))).findings == ()


def test_low_confidence_fix_is_unsafe_and_confident_one_keeps_entry_setting(tmp_path):
    glossary = tmp_path / "g.csv"
    glossary.write_text(Path(SENSE_GLOSSARY).read_text(encoding="utf-8").replace(",no,unsafe,company,Xiaomi", ",no,safe,company,Xiaomi"), encoding="utf-8")
    finding = check_text("Millet released its new smartphone with a faster chip and a bigger battery on Tuesday.",
                         sense_options(glossaries=(str(glossary),))).findings[0]
    expected = Applicability.SAFE if finding.confidence >= 0.9 else Applicability.UNSAFE
    assert finding.fix.applicability is expected and finding.fix.replacement == "Xiaomi"


def test_no_embed_reports_ambiguous_hits_as_low_confidence_warnings():
    for text, term, _ in SENSE_CASES[:2]:
        findings = check_text(text, sense_options(embed=False)).findings
        assert [f.text for f in findings] == [term]
        assert findings[0].severity is Severity.WARNING and findings[0].confidence <= 0.6
        assert findings[0].fix.applicability is Applicability.UNSAFE
        assert "sense gate (lexical)" in findings[0].evidence


# -- model resolution through the CLI -----------------------------------------------------

@pytest.fixture(scope="module")
def model_copy(tmp_path_factory):
    target = tmp_path_factory.mktemp("models") / "minilm-copy"
    shutil.copytree(resolve_model(None).path, target)
    return target


def _cli_json(args, tmp_path):
    text = tmp_path / "mt.txt"
    text.write_text(SENSE_CASES[1][0] + "\nThe weather in the capital was mild all week.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(text), "--no-default-glossary", "--glossary", SENSE_GLOSSARY, "--format", "json", *args])
    return result


def test_bundled_model_is_the_default(tmp_path):
    result = _cli_json([], tmp_path)
    assert result.exit_code == 1, result.output
    findings = json.loads(result.stdout)["findings"]
    assert [(f["line"], f["text"]) for f in findings] == [(1, "Millet")]
    assert "sense gate (embedding:all-MiniLM-L6-v2)" in findings[0]["evidence"]
    assert 0 < findings[0]["confidence"] <= 1


def test_local_model_path(tmp_path, model_copy):
    result = _cli_json(["--model", str(model_copy)], tmp_path)
    assert result.exit_code == 1, result.output
    finding = json.loads(result.stdout)["findings"][0]
    assert "sense gate (embedding:minilm-copy)" in finding["evidence"]
    assert "|embed:" + str(model_copy) in json.loads(result.stdout)["signature"]


def test_broken_model_directory_is_exit_2_with_one_line(tmp_path, model_copy):
    broken = tmp_path / "broken"
    shutil.copytree(model_copy, broken, ignore=shutil.ignore_patterns("*.safetensors"))
    (broken / "config.json").write_text("{not json", encoding="utf-8")
    result = _cli_json(["--model", str(broken)], tmp_path)
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and errors[0].startswith("mtcheck: error: ") and "cannot load model 'broken'" in errors[0]
    assert "--no-embed" in errors[0]


def test_timings_show_model_load_and_embed(tmp_path):
    result = _cli_json(["--timings"], tmp_path)
    assert result.exit_code == 1
    stages = [line.split()[1] for line in result.stderr.splitlines() if line.startswith("timing ")]
    assert "model-load" in stages and "embed" in stages


# -- exemplar cache on disk ---------------------------------------------------------------

class CountingBackend:
    """Passes through to the real backend and records what it embeds."""

    def __init__(self, inner):
        self.inner = inner
        self.name = inner.name
        self.supports_spans = inner.supports_spans
        self.texts: list[str] = []
        self.spans: list[tuple] = []

    def encode(self, texts):
        self.texts.extend(texts)
        return self.inner.encode(texts)

    def encode_spans(self, spans):
        self.spans.extend(spans)
        return self.inner.encode_spans(spans)


def _gate(backend, entries, cache_dir: Path, monkeypatch) -> tuple[EmbeddingSenseGate, CountingBackend]:
    monkeypatch.setenv("MTCHECK_CACHE_DIR", str(cache_dir))
    counting = CountingBackend(backend)
    gate = EmbeddingSenseGate(Encoder(counting, progress=False), resolve_model(None), load_calibration(), entries=entries)
    return gate, counting


def _millet_candidate(entry) -> SenseCandidate:
    target = "Millet released its new smartphone on Tuesday."
    return SenseCandidate(Segment("1", target, "doc.txt", 1), 0, 6, entry, target, "", "Xiaomi", 0, 0)


def test_second_run_reads_exemplars_from_the_disk_cache(backend, tmp_path, monkeypatch):
    entries = load_glossary_any(SENSE_GLOSSARY).entries
    xiaomi = next(e for e in entries if e.preferred == "Xiaomi")
    exemplars = {text for entry in entries for text in exemplar_texts(entry).texts}
    shipped = exemplars & set(read_shipped().texts)  # exemplars the bundled glossary shares: never embedded
    exemplars -= shipped
    first, counting = _gate(backend, entries, tmp_path / "cache", monkeypatch)
    decision = first.judge([_millet_candidate(xiaomi)])[0]
    assert exemplars <= set(counting.texts) and not shipped & set(counting.texts)
    files = list((tmp_path / "cache" / "embeddings").glob("*.npz"))
    assert len(files) == 1

    second, counting = _gate(backend, entries, tmp_path / "cache", monkeypatch)
    again = second.judge([_millet_candidate(xiaomi)])[0]
    # Only the candidate's own inputs: its sentence and the sentence with the fix (no context
    # here), the hit in its window and the suggested rendering in its place.
    target = _millet_candidate(xiaomi).segment.target
    fixed = "Xiaomi" + target[6:]
    assert counting.texts == [target, fixed] and counting.spans == [(target, 0, 6), (fixed, 0, 6)]
    assert again.probability == pytest.approx(decision.probability, abs=1e-5)


def test_corrupt_disk_cache_is_rebuilt(backend, tmp_path, monkeypatch):
    entries = load_glossary_any(SENSE_GLOSSARY).entries
    xiaomi = next(e for e in entries if e.preferred == "Xiaomi")
    gate, _ = _gate(backend, entries, tmp_path / "cache", monkeypatch)
    expected = gate.judge([_millet_candidate(xiaomi)])[0].probability
    path = next((tmp_path / "cache" / "embeddings").glob("*.npz"))
    path.write_bytes(b"garbage" * 100)

    gate, counting = _gate(backend, entries, tmp_path / "cache", monkeypatch)
    assert gate.judge([_millet_candidate(xiaomi)])[0].probability == pytest.approx(expected, abs=1e-5)
    assert counting.texts  # embedded again
    with np.load(path) as rebuilt:  # and written back
        assert len(rebuilt["texts"]) > 0 and np.isfinite(rebuilt["vectors"]).all()


def test_exemplar_cache_is_not_shared_across_backend_recipes(backend, tmp_path, monkeypatch):
    """A backend whose export or quantisation recipe changed (its cache_tag) must not read
    exemplar vectors cached by the older recipe."""
    entries = load_glossary_any(SENSE_GLOSSARY).entries
    xiaomi = next(e for e in entries if e.preferred == "Xiaomi")
    gate, _ = _gate(backend, entries, tmp_path / "cache", monkeypatch)
    gate.judge([_millet_candidate(xiaomi)])
    monkeypatch.setattr(CountingBackend, "cache_tag", "torch-recipe2", raising=False)
    again, counting = _gate(backend, entries, tmp_path / "cache", monkeypatch)
    again.judge([_millet_candidate(xiaomi)])
    assert counting.texts and len(counting.texts) > 2  # the exemplars were embedded again
    assert len(list((tmp_path / "cache" / "embeddings").glob("*.npz"))) == 2
