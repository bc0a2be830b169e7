"""BI rules through the library API, with small bilingual fixtures written for these tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from mtcheck import CheckOptions, check_text
from mtcheck.api import check_segments
from mtcheck.models import Segment

GLOSSARY = str(Path(__file__).parent / "data" / "bilingual-glossary.csv")


def options(**overrides) -> CheckOptions:
    values = dict(glossaries=(GLOSSARY,), use_default_glossary=False, embed=False)
    values.update(overrides)
    return CheckOptions(**values)


def findings(target: str, source: str | None, **overrides) -> list[tuple[str, str]]:
    result = check_text(target, options(**overrides), source=source)
    return [(f.rule, f.text) for f in result.findings]


def bi(target: str, source: str | None, **overrides) -> list[tuple[str, str]]:
    return [(rule, text) for rule, text in findings(target, source, **overrides) if rule.startswith("BI")]


CASES = [
    # (id, source, target, expected BI findings)
    ("key term rendered", "十九大报告发表了。", "The report of the 19th National Congress was published.", []),
    ("key term variant casing", "十九大报告发表了。", "The report of the 19th national congress was published.", []),
    ("key term missing", "十九大报告发表了。", "The report of the party congress was published.",
     [("BI001", "The report of the party congress was published.")]),
    ("term absent from source", "报告发表了。", "The report of the party congress was published.", []),
    ("calque millet", "小米发布了新手机，小米公司的CEO说。", "Millet released a new phone, said the CEO of the millet company.",
     [("BI002", "Millet"), ("BI002", "millet")]),
    ("millet the cereal", "小米粥很好吃。", "Millet porridge is tasty.", []),
    ("name present", "小米发布了新手机。", "Xiaomi released a new phone.", []),
    ("casing is not a calque", "苹果、三星和华为生产芯片。", "Apple, Samsung and HUAWEI make chips.", []),
    ("magnitude", "员工2.9万人。", "It has 290,000 staff.", [("BI003", "290,000")]),
    ("wan matched", "员工1.6万人，专利4806项。", "It has 16,000 staff and 4,806 patents.", []),
    ("yi matched", "营收3亿元。", "Revenue was 300 million yuan.", []),
    ("digits swapped", "专利4806项。", "It holds 4,860 patents.", [("BI003", "4,860")]),
    ("number missing", "去年新增专利2895项。", "Many new patents were added last year.",
     [("BI003", "Many new patents were added last year.")]),
    ("untranslated", "小米很大。", "小米 is big.", [("BI004", "小米")]),
    ("glossed han", "小米很大。", "Xiaomi (小米) is big.", []),
    ("copied source", "小米很大。", "小米很大。", [("BI005", "小米很大。")]),
]


@pytest.mark.parametrize("source, target, expected", [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_bilingual_rules(source, target, expected):
    assert bi(target, source) == expected


@pytest.mark.parametrize("target", [case[2] for case in CASES], ids=[case[0] for case in CASES])
def test_no_source_no_bilingual_findings(target):
    assert bi(target, None) == []


def test_gl001_and_bi001_report_a_wrong_rendering_once():
    target, source = "The nineteen major report was published.", "十九大报告发表了。"
    assert findings(target, source) == [("GL001", "The nineteen major")]


def test_bi001_takes_the_wrong_rendering_when_gl001_is_off():
    result = check_text("The nineteen major report was published.", options(ignore=("GL001",)), source="十九大报告发表了。")
    [finding] = result.findings
    assert (finding.rule, finding.text) == ("BI001", "The nineteen major")
    gl001 = check_text("The nineteen major report was published.", options(), source="十九大报告发表了。").findings[0]
    assert finding.fix.replacement == gl001.fix.replacement == "19th National Congress"


def test_missing_key_term_number_is_reported_once():
    # 十九 of 十九大 is both a key term and a number: BI001 reports it, BI003 does not.
    assert bi("The party congress report was published.", "十九大报告发表了。") == [
        ("BI001", "The party congress report was published.")
    ]


def test_huawei_casing_is_gl002_not_a_calque():
    assert findings("Apple, Samsung and HUAWEI make chips.", "苹果、三星和华为生产芯片。") == [("GL002", "HUAWEI")]


def test_calque_without_gate_is_a_low_confidence_warning_with_the_name():
    result = check_text("Millet released a new phone.", options(), source="小米发布了新手机。")
    [finding] = result.findings
    assert finding.rule == "BI002"
    assert finding.severity.value == "warning"
    assert finding.confidence <= 0.6
    assert finding.suggestions == ("Xiaomi",)
    assert finding.fix.applicability.value == "unsafe"
    assert any("CC-CEDICT 小米" in e for e in finding.evidence)


class _Gate:
    name = "stub-threshold"
    threshold = 0.5

    def __init__(self, probability):
        self.probability = probability

    def judge(self, candidates):
        from mtcheck.senses import SenseDecision

        return [SenseDecision(self.probability, ("test gate",)) for _ in candidates]


@pytest.mark.parametrize("probability, expected", [(0.95, ["BI002"]), (0.2, [])])
def test_calque_goes_through_an_embedding_gate(probability, expected):
    from mtcheck.engine import build_context, run_checks

    context = build_context(options())
    context.gate_factory = lambda: _Gate(probability)
    segments = [Segment("1", "Millet released a new phone.", source="小米发布了新手机。")]
    result = run_checks(segments, context.options, context)
    assert [f.rule for f in result.findings] == expected
    if expected:
        assert result.findings[0].severity.value == "error"
        assert result.findings[0].fix.applicability.value == "safe"


def test_empty_target_with_source():
    result = check_segments([Segment("1", "", source="小米很大。")], options())
    assert [(f.rule, f.start, f.end) for f in result.findings] == [("BI006", 0, 0)]


def test_number_fix_suggests_source_value():
    result = check_text("It has 290,000 staff.", options(), source="员工2.9万人。")
    [finding] = result.findings
    assert finding.suggestions == ("29,000",)
    assert finding.fix.applicability.value == "unsafe"


def _document(targets: list[str], sources: list[str]) -> list[Segment]:
    return [Segment(str(i), t, source=s, line=i) for i, (t, s) in enumerate(zip(targets, sources), start=1)]


def test_length_ratio_outlier_flags_the_truncated_segment():
    sources = [f"第{n}家工厂今年的产量比去年增长了很多，员工人数也在不断增加。" for n in range(3, 13)]
    targets = [f"Factory number {n} produced much more this year than last year, and it keeps hiring staff." for n in range(3, 13)]
    targets[4] = "Factory 7."
    result = check_segments(_document(targets, sources), options(select=("BI007",)))
    assert [(f.rule, f.segment) for f in result.findings] == [("BI007", "5")]


def test_length_ratio_needs_enough_segments():
    sources = ["今年的产量比去年增长了很多，员工人数也在不断增加。"] * 5
    targets = ["Output grew a lot this year and staff numbers kept rising."] * 4 + ["Output."]
    assert check_segments(_document(targets, sources), options(select=("BI007",))).findings == ()


def test_rules_are_registered_as_needing_the_source():
    from mtcheck.registry import all_rules

    codes = {rule.code: rule for rule in all_rules() if rule.code.startswith("BI")}
    assert sorted(codes) == [f"BI00{n}" for n in range(1, 9)]
    assert all(rule.needs_source for rule in codes.values())


def test_segmenter_is_quiet(capfd):
    from mtcheck.bilingual.segmenter import segment

    words = [token.word for token in segment("党的十九大报告提出线上线下融合", ["十九大", "线上线下"])]
    assert "十九大" in words and "线上线下" in words
    captured = capfd.readouterr()
    assert captured.out == "" and captured.err == ""
