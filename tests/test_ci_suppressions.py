"""Inline suppressions: the directive syntax, the engine dropping suppressed findings and
reporting unused suppressions (SP001)."""

from __future__ import annotations

import pytest

from mtcheck import check_segments
from mtcheck.models import Segment
from mtcheck.suppressions import parse_directives, suppression_meta

from .formats_util import CLI_BASE, invoke, options


@pytest.mark.parametrize(
    "comment,codes",
    [
        ("mtcheck: ignore[GL001]", ("GL001",)),
        ("mtcheck: ignore[gl001, rp]", ("GL001", "RP")),
        ("Reviewer note. mtcheck: ignore[RP001] keep", ("RP001",)),
        ("mtcheck:ignore[GL001,GL001]", ("GL001",)),
        ("mtcheck: ignore", ("*",)),
        ("mtcheck: ignore[]", ("*",)),
        ("<!-- mtcheck: ignore[NU001] -->", ("NU001",)),
        ("mtcheck: ignore[GL001] and mtcheck: ignore[RP001]", ("GL001", "RP001")),
        ("please ignore this", ()),
        ("mtcheck: ignored", ()),
        ("mtcheck ignore[GL001]", ()),
    ],
)
def test_parse_directives(comment, codes):
    assert parse_directives(comment) == codes


def test_suppression_meta_merges_comments():
    assert suppression_meta(["mtcheck: ignore[GL001]", "note", "mtcheck: ignore[RP]"]) == {"suppress": "GL001,RP"}
    assert suppression_meta(["mtcheck: ignore[GL001]", "mtcheck: ignore"]) == {"suppress": "*"}
    assert suppression_meta(["nothing"]) == {}


def seg(target: str, suppress: str = "", segment_id: str = "1") -> Segment:
    return Segment(id=segment_id, target=target, file="t.po", line=1, meta={"suppress": suppress} if suppress else {})


@pytest.mark.parametrize(
    "target,suppress,expected",
    [
        ("They set a record record.", "", ["RP001"]),
        ("They set a record record.", "RP001", []),
        ("They set a record record.", "RP", []),
        ("They set a record record.", "*", []),
        ("They set a record record.", "GL001", ["RP001", "SP001"]),  # wrong rule: finding stays, comment unused
        ("All is well here.", "RP001", ["SP001"]),
        ("All is well here.", "*", ["SP001"]),
        ("All is well here.", "XX999", ["SP001"]),  # unknown code: reported as unused
        ("Sales line and line, record record.", "GL001,RP", []),
        # "line and line" is also a self-coordination (RP003), hidden behind GL001 until GL001 is suppressed.
        ("Sales line and line, record record.", "GL001,RP001", ["RP003"]),
    ],
)
def test_engine_applies_suppressions(target, suppress, expected):
    result = check_segments([seg(target, suppress)], options())
    assert sorted(f.rule for f in result.findings) == sorted(expected)


def test_unused_suppression_is_not_reported_when_its_rule_did_not_run():
    segment = seg("All is well here.", "RP001")
    assert check_segments([segment], options(select=("GL",))).findings == ()
    assert check_segments([segment], options(ignore=("RP001",))).findings == ()
    assert [f.rule for f in check_segments([segment], options(ignore=("SP001",))).findings] == []


def test_unused_suppression_finding_points_at_the_segment_and_costs_no_score():
    result = check_segments([seg("All is well here.", "RP001", "intro")], options())
    (finding,) = result.findings
    assert (finding.rule, finding.segment, finding.line, finding.severity.value) == ("SP001", "intro", 1, "warning")
    assert "RP001" in finding.message and finding.text == ""
    assert result.overall_score == 100.0


def test_suppression_applies_only_to_its_segment():
    result = check_segments([seg("A record record.", "RP001", "1"), seg("B record record.", "", "2")], options())
    assert [(f.rule, f.segment) for f in result.findings] == [("RP001", "2")]


@pytest.mark.parametrize(
    "name,content,rule",
    [
        ("s.po", '# mtcheck: ignore[RP001]\nmsgid "a"\nmsgstr "record record"\n\nmsgid "b"\nmsgstr "record record"\n', "RP001"),
        ("s.md", "<!-- mtcheck: ignore[RP001] -->\nrecord record\n\nrecord record\n", "RP001"),
        ("s.xlf", '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file original="f"><body>'
                  '<trans-unit id="a"><source>s</source><target>record record</target><note>mtcheck: ignore[RP001]</note></trans-unit>'
                  '<trans-unit id="b"><source>s</source><target>record record</target></trans-unit></body></file></xliff>', "RP001"),
    ],
)
def test_cli_honours_inline_suppressions(tmp_path, name, content, rule):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    result = invoke(["check", str(path), *CLI_BASE, "--format", "jsonl"])
    assert result.exit_code == 1
    assert result.stdout.count(f'"{rule}"') == 1  # the second, unsuppressed copy


def test_plain_text_comments_are_text_not_suppressions(tmp_path):
    path = tmp_path / "plain.txt"
    path.write_text("They set a record record. # mtcheck: ignore[RP001]\n", encoding="utf-8")
    assert invoke(["check", str(path), *CLI_BASE]).exit_code == 1


# A GL001 hit on an ambiguous term without a model has a low confidence (0.24 here).
AMBIGUOUS = "The survey produced large data quickly."


@pytest.mark.parametrize(
    "min_confidence,expected",
    [
        (0.0, []),  # the GL001 hit is reported, so the suppression hides it
        (0.5, ["SP001"]),  # the hit is below --min-confidence: nothing was hidden
    ],
)
def test_a_suppression_is_used_only_by_a_finding_that_would_be_reported(min_confidence, expected):
    from .conftest import RULES_GLOSSARY

    segment = seg(AMBIGUOUS, "GL001")
    result = check_segments([segment], options(glossaries=(RULES_GLOSSARY,), min_confidence=min_confidence))
    assert [f.rule for f in result.findings] == expected


def test_a_finding_that_the_report_would_drop_does_not_use_a_suppression():
    from mtcheck.suppressions import apply_suppressions
    from .test_reporters import finding

    segment = seg("Phones from HUAWEI sold well.", "GL001,GL002")
    hidden = finding(segment, 12, 18, rule="GL001")
    shown = finding(segment, 12, 18, rule="GL002")
    kept, unused = apply_suppressions([segment], [hidden, shown], {"GL001", "GL002"}, reported=lambda found: [f for f in found if f.rule != "GL001"])
    assert kept == [] and [pattern for _, pattern in unused] == ["GL001"]


def test_cli_po_suppression_of_an_unreported_rule_gives_sp001(tmp_path):
    from .conftest import RULES_GLOSSARY

    path = tmp_path / "t.po"
    path.write_text(f'# mtcheck: ignore[GL001]\nmsgid "a"\nmsgstr "{AMBIGUOUS} Phones from HUAWEI sold well."\n', encoding="utf-8")
    result = invoke(["check", str(path), "--no-embed", "--no-default-glossary", "--glossary", RULES_GLOSSARY, "--min-confidence", "0.5", "--format", "jsonl"])
    assert sorted(line.split('"rule": "')[1][:5] for line in result.output.splitlines() if '"rule"' in line) == ["GL002", "SP001"]
