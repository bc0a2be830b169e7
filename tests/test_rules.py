"""Table-driven cases per rule: text, expected flagged spans with their first suggestion,
and the text after applying that rule's fixes (safe and unsafe). A case with no expected
findings is a passing case and must stay unchanged."""

from __future__ import annotations

import pytest

from mtcheck.fixer import apply_edits, edits_by_segment
from mtcheck.registry import all_rules

# (rule, text, [(flagged text, first suggestion)], fixed text)
CASES = [
    # GL001 glossary-mistranslation (unambiguous entries: errors, confidence 1)
    ("GL001", "The new retailing of the line and line grew fast.", [("line and line", "online and offline")],
     "The new retailing of the online and offline grew fast."),
    ("GL001", "The nineteen major report set new goals.", [("The nineteen major", "The 19th CPC National Congress")],
     "The 19th CPC National Congress report set new goals."),
    ("GL001", "He runs millet technology now.", [("millet technology", "Xiaomi Technology")],
     "He runs Xiaomi Technology now."),
    ("GL001", "Online and offline sales both rose.", [], "Online and offline sales both rose."),
    ("GL001", "The line and lineage of the family.", [], "The line and lineage of the family."),
    # GL001 on ambiguous entries without a model: reported, as a low-confidence warning
    ("GL001", "Millet shipped ten million phones.", [("Millet", "Xiaomi")], "Xiaomi shipped ten million phones."),
    ("GL001", "Xiaomi shipped ten million phones.", [], "Xiaomi shipped ten million phones."),
    ("GL001", "An Apple store opened downtown.", [], "An Apple store opened downtown."),
    # GL002 term-casing
    ("GL002", "Phones from HUAWEI sold well.", [("HUAWEI", "Huawei")], "Phones from Huawei sold well."),
    ("GL002", "The people's Daily ran the story.", [("people's Daily", "People's Daily")], "The People's Daily ran the story."),
    ("GL002", "Huawei and the People's Daily.", [], "Huawei and the People's Daily."),
    ("GL002", "HUAWEI AND PEOPLE'S DAILY IN A SHOUTED HEADLINE", [], "HUAWEI AND PEOPLE'S DAILY IN A SHOUTED HEADLINE"),
    # RP001 repeated-word
    ("RP001", "They continue to record record shipments.", [("record record", "record")], "They continue to record shipments."),
    ("RP001", "The the report was long.", [("The the", "The")], "The report was long."),
    ("RP001", "She had had enough of it.", [], "She had had enough of it."),
    ("RP001", "He said that that was fine.", [], "He said that that was fine."),
    ("RP001", "Sales rose 20 20 percent.", [], "Sales rose 20 20 percent."),
    # RP002 repeated-phrase
    ("RP002", "We must deepen the reform deepen the reform now.", [("deepen the reform deepen the reform", "deepen the reform")],
     "We must deepen the reform now."),
    ("RP002", "The supply side and the demand side.", [], "The supply side and the demand side."),
    # RP003 self-coordination
    ("RP003", "Resources of government, production, research and research.", [("research and research", "research")],
     "Resources of government, production, research."),
    ("RP003", "The cross disciplinary and cross disciplinary characteristics.",
     [("cross disciplinary and cross disciplinary", "cross disciplinary")], "The cross disciplinary characteristics."),
    ("RP003", "Prices rose again and again.", [], "Prices rose again and again."),
    ("RP003", "Phones got better and better.", [], "Phones got better and better."),
    ("RP003", "More and more firms joined.", [], "More and more firms joined."),
    ("RP003", "Research and development rose.", [], "Research and development rose."),
    # NM001 article-before-name
    ("NM001", "According to the Lei Jun, sales grew.", [("the Lei Jun", "Lei Jun")], "According to Lei Jun, sales grew."),
    ("NM001", "The Wang Xiaoming has a deep understanding.", [("The Wang Xiaoming", "Wang Xiaoming")], "Wang Xiaoming has a deep understanding."),
    ("NM001", "We sailed down the Li River.", [], "We sailed down the Li River."),
    ("NM001", "Read the Lei Jun interview.", [], "Read the Lei Jun interview."),
    ("NM001", "The Great Wall is long.", [], "The Great Wall is long."),
    # NU001 bare-day-number
    ("NU001", "On the 29 day, the paper published it.", [("29 day", "29th")], "On the 29th, the paper published it."),
    ("NU001", "On the 3 day of March we met.", [("3 day of", "3rd day of")], "On the 3rd day of March we met."),
    ("NU001", "On the 29th, the paper published it.", [], "On the 29th, the paper published it."),
    ("NU001", "It took the 40 day trip.", [], "It took the 40 day trip."),
    # NU002 digits-with-magnitude-word
    ("NU002", "It has more than 16 thousand employees.", [("16 thousand", "16,000")], "It has more than 16,000 employees."),
    ("NU002", "Sales reached 1.6 thousand units.", [("1.6 thousand", "1,600")], "Sales reached 1,600 units."),
    ("NU002", "The city has 5 ten thousand cars.", [("5 ten thousand", "50,000")], "The city has 50,000 cars."),
    ("NU002", "Revenue was 3 hundred million yuan.", [("3 hundred million", "300 million")], "Revenue was 300 million yuan."),
    ("NU002", "Revenue was 3 million yuan and thousands of orders.", [], "Revenue was 3 million yuan and thousands of orders."),
    # NU003 zero-padded-number
    ("NU003", "the 04 edition of the paper", [("the 04 edition", "page 4")], "page 4 of the paper"),
    ("NU003", "the 4th edition of the book", [], "the 4th edition of the book"),
    # CO001 inconsistent-rendering
    ("CO001", "Deep integration matters.\nThe fusion of data and industry.", [("fusion", "integration")],
     "Deep integration matters.\nThe integration of data and industry."),
    ("CO001", "The fusion of data and industry.\nAnother fusion step.", [], "The fusion of data and industry.\nAnother fusion step."),
]


def _ids():
    return [f"{rule}-{i}" for i, (rule, *_rest) in enumerate(CASES)]


@pytest.mark.parametrize("rule,text,expected,fixed", CASES, ids=_ids())
def test_rule_case(check, rule, text, expected, fixed):
    result = check(text, select=(rule,))
    got = [(f.text, f.suggestions[0] if f.suggestions else None) for f in result.findings]
    assert got == expected
    for finding in result.findings:
        assert finding.rule == rule
        segment = next(s for s in result.segments if s.id == finding.segment)
        assert segment.target[finding.start:finding.end] == finding.text
        if finding.fix is not None:
            # The JSON contract's fix.replacement replaces exactly [start, end).
            assert [(e.start, e.end) for e in finding.fix.edits] == [(finding.start, finding.end)]
    lines = text.split("\n")
    edits = edits_by_segment(result.findings, unsafe=True)
    new_lines = [apply_edits(line, edits.get(str(n), ())).text for n, line in enumerate(lines, start=1)]
    assert "\n".join(new_lines) == fixed


def test_every_rule_has_cases():
    covered = {rule for rule, *_ in CASES}
    # SP001 (unused suppression) needs segment metadata from a translation file: its cases are in test_ci_suppressions.py.
    core = {r.code for r in all_rules() if not r.needs_source and not r.needs_reference and r.category != "suppression"}
    assert core <= covered, f"rules without cases: {sorted(core - covered)}"


def test_every_rule_has_failing_and_passing_case():
    for rule in {rule for rule, *_ in CASES}:
        outcomes = {bool(expected) for r, _t, expected, _f in CASES if r == rule}
        assert outcomes == {True, False}, rule


def test_ambiguous_hit_without_model_is_low_confidence_warning(check):
    (finding,) = check("Millet shipped ten million phones.", select=("GL001",)).findings
    assert finding.severity.value == "warning"
    assert finding.confidence < 0.7
    assert finding.fix is not None and finding.fix.applicability.value == "unsafe"
    assert any("sense gate" in e for e in finding.evidence)


def test_approved_rendering_elsewhere_raises_lexical_confidence(check):
    alone = check("Millet grew fast.", select=("GL001",)).findings[0]
    with_name = check("Xiaomi makes phones.\nMillet grew fast.", select=("GL001",)).findings[0]
    assert with_name.confidence > alone.confidence
    assert any("appears 1x" in e for e in with_name.evidence)


def test_unambiguous_glossary_hit_is_error_with_safe_fix(check):
    (finding,) = check("the line and line store", select=("GL001",)).findings
    assert finding.severity.value == "error" and finding.confidence == 1.0
    assert finding.fix.applicability.value == "safe"


def test_nested_repetition_inside_glossary_span_reported_once(check, tmp_path):
    glossary = tmp_path / "g.csv"
    glossary.write_text("approved,wrong\n\"government, industry, academia and research\",\"government, production, research and research\"\n", encoding="utf-8")
    from mtcheck import CheckOptions, check_text

    result = check_text("Integrate the government, production, research and research.",
                        CheckOptions(glossaries=(str(glossary),), use_default_glossary=False, embed=False))
    assert [(f.rule, f.text) for f in result.findings] == [("GL001", "government, production, research and research")]


def test_equal_span_prefers_glossary_over_repetition(check):
    result = check("the line and line model")
    assert [(f.rule, f.text) for f in result.findings] == [("GL001", "line and line")]


def test_select_and_ignore_prefixes(check):
    text = "They record record sales on the 29 day."
    assert {f.rule for f in check(text, select=("RP",)).findings} == {"RP001"}
    assert {f.rule for f in check(text, ignore=("RP",)).findings} == {"NU001"}


def test_severity_override(check):
    (finding,) = check("record record", severity_overrides=(("RP001", "info"),)).findings
    assert finding.severity.value == "info"


def test_min_confidence_drops_low_confidence(check):
    assert check("Millet grew fast.", min_confidence=0.9).findings == ()


def test_positions_are_file_positions(check):
    result = check("fine line\n\nthey record record it")
    (finding,) = result.findings
    assert (finding.segment, finding.line, finding.column) == ("3", 3, 6)


def test_whole_segment_finding_without_fix_keeps_span_findings_inside():
    from mtcheck.engine import drop_nested
    from mtcheck.models import Edit, Finding, Fix, Severity

    def finding(rule, start, end, fix=True):
        return Finding(rule=rule, category="c", severity=Severity.ERROR, message="m", segment="1", file="f",
                       line=1, column=start + 1, start=start, end=end, text="x" * (end - start),
                       fix=Fix((Edit(start, end, "y"),)) if fix else None)

    whole = finding("BI001", 0, 40, fix=False)
    inner = finding("RP001", 10, 20)
    assert drop_nested([whole, inner]) == [whole, inner]
    replacing = finding("GL001", 5, 25)
    assert drop_nested([replacing, inner]) == [replacing]
