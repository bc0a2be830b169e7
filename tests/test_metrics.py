"""Reference metrics (sacrebleu) before and after the suggested fixes, in JSON and terminal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mtcheck.cli import main
from mtcheck.metrics import corpus_scores, fixed_targets, reference_metrics, segment_scores
from mtcheck.models import Edit, Finding, Fix, Segment, Severity

GLOSSARY = str(Path(__file__).parent / "data" / "bilingual-glossary.csv")


def _finding(segment: str, start: int, end: int, replacement: str, file: str = "<text>") -> Finding:
    return Finding("GL001", "mistranslation", Severity.ERROR, "m", segment, file, 1, start + 1, start, end, "x",
                   fix=Fix((Edit(start, end, replacement),)))


def test_fixes_move_the_mt_toward_the_reference():
    segments = [
        Segment("1", "They analysed large data.", reference="They analysed big data."),
        Segment("2", "Prices rose.", reference="Prices rose."),
    ]
    metrics = reference_metrics(segments, [_finding("1", 14, 24, "big data")])
    corpus = metrics["corpus"]
    assert corpus["after"]["bleu"] > corpus["before"]["bleu"]
    assert corpus["after"]["chrf"] > corpus["before"]["chrf"]
    assert corpus["after"]["ter"] < corpus["before"]["ter"]
    assert corpus["delta"]["ter"] == pytest.approx(corpus["after"]["ter"] - corpus["before"]["ter"], abs=0.01)
    first, second = metrics["per_segment"]
    assert first["changed"] and first["after"]["bleu"] == 100.0
    assert not second["changed"] and second["before"] == second["after"]
    assert metrics["changed_segments"] == 1
    assert metrics["signatures"]["bleu"].startswith("nrefs:1|") and "version:" in metrics["signatures"]["ter"]


def test_no_reference_no_metrics():
    assert reference_metrics([Segment("1", "Prices rose.")], []) is None


def test_segments_of_different_files_do_not_share_fixes():
    segments = [Segment("1", "large data", file="a", reference="big data"), Segment("1", "large data", file="b", reference="big data")]
    assert fixed_targets(segments, [_finding("1", 0, 10, "big data", file="a")]) == ["big data", "large data"]


def test_scores_match_sacrebleu_directly():
    import sacrebleu

    hyps, refs = ["the cat sat on the mat"], ["the cat is on the mat"]
    scores, _ = corpus_scores(hyps, refs)
    assert scores.bleu == pytest.approx(sacrebleu.corpus_bleu(hyps, [refs]).score)
    assert scores.chrf == pytest.approx(sacrebleu.corpus_chrf(hyps, [refs]).score)
    assert segment_scores(hyps, refs)[0].ter == pytest.approx(sacrebleu.sentence_ter(hyps[0], refs).score)


@pytest.fixture
def files(tmp_path):
    (tmp_path / "t.txt").write_text("They analysed large data.\nIt has 290,000 staff.\n", encoding="utf-8")
    (tmp_path / "s.txt").write_text("他们分析了大数据。\n员工2.9万人。\n", encoding="utf-8")
    (tmp_path / "r.txt").write_text("They analysed big data.\nIt has 29,000 staff.\n", encoding="utf-8")
    return tmp_path


def _run(files, *extra):
    args = ["check", str(files / "t.txt"), "--source", str(files / "s.txt"), "--glossary", GLOSSARY,
            "--no-default-glossary", "--no-embed", *extra]
    return CliRunner().invoke(main, args)


def test_json_has_metrics_only_with_a_reference(files):
    with_reference = json.loads(_run(files, "--reference", str(files / "r.txt"), "--format", "json").output)
    metrics = with_reference["metrics"]
    assert metrics["segments"] == 2 and metrics["changed_segments"] == 2
    assert metrics["corpus"]["after"]["bleu"] == 100.0 > metrics["corpus"]["before"]["bleu"]
    without = json.loads(_run(files, "--format", "json").output)
    assert "metrics" not in without


def test_terminal_prints_metrics_and_signatures(files):
    result = _run(files, "--reference", str(files / "r.txt"))
    assert result.exit_code == 1
    assert "BLEU" in result.output and "chrF" in result.output and "TER" in result.output
    assert "sacrebleu BLEU signature: nrefs:1|" in result.output
