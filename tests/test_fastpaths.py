"""The speed shortcuts must not change results: each fast path is compared with the
straightforward computation it replaces, on examples and on generated text."""

from __future__ import annotations

import dataclasses
import re

import pytest
from hypothesis import given, settings, strategies as st

from mtcheck.checks import numbers, repetition
from mtcheck.language import cjk_share, is_cjk
from mtcheck.models import Finding, RunResult, Severity
from mtcheck.textutil import _fold_char, ignorecase_key, normalize, word_count, words

# Characters that stress case folding and tokenisation: sigma forms, dotted/dotless i,
# long s, Kelvin sign, ligatures, digits of other scripts, apostrophes, hyphens, CJK.
TRICKY = "aAbBdDnNrRsSeE \t\n,.'\u2019-\u2013_0159\u0130i\u0131\u017f\u212akK\u03a3\u03c3\u03c2\u00df\ufb01\u0660\u00b2\u5c0f\u7c73"
WORDS = ["and", "AND", "And", "record", "Record", "RECORD", "the", "day", "thousand", "THOUSAND", "hundred", "0", "04",
         "16", "edition", "research", "don't", "rock'n'roll", "x_y", "5abc", "abc5", "cross-disciplinary", "\u03a3\u03c3",
         "\u0130stanbul", "istanbul", "thou\u017fand", "ſ", "s"]
texts = st.one_of(
    st.text(alphabet=TRICKY, max_size=40),
    st.lists(st.sampled_from(WORDS), max_size=12).map(" ".join),
    st.lists(st.sampled_from(WORDS + [", ", "  ", "\t"]), max_size=14).map("".join),
)


def slow_normalize(text: str, case_sensitive: bool) -> str:
    return "".join(_fold_char(ch, case_sensitive) for ch in text)


@pytest.mark.parametrize("text", ["Millet-Technology", "ΟΔΟΣ οδός", "İstanbul", "HUAWEI’s  large\u00a0data", "小米 Xiaomi", ""])
@pytest.mark.parametrize("case_sensitive", [False, True])
def test_normalize_matches_per_character_folding(text, case_sensitive):
    assert normalize(text, case_sensitive) == slow_normalize(text, case_sensitive)


@settings(max_examples=300, deadline=None)
@given(texts, st.booleans())
def test_normalize_property(text, case_sensitive):
    folded = normalize(text, case_sensitive)
    assert folded == slow_normalize(text, case_sensitive)
    assert len(folded) == len(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=60), st.booleans())
def test_normalize_ascii_fast_path(text, case_sensitive):
    assert normalize(text, case_sensitive) == slow_normalize(text, case_sensitive)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_ignorecase_key_keeps_positions(text):
    key = ignorecase_key(text)
    assert len(key) == len(text)
    assert [ch.isspace() for ch in key] == [ch.isspace() for ch in text]


@pytest.mark.parametrize("pair", ["İ i", "K k", "Σ σ", "RECORD record", "ǅ ǆ"])
def test_ignorecase_key_agrees_with_re_backreferences(pair):
    first, second = pair.split()
    assert re.fullmatch(r"(.+) \1", pair, re.IGNORECASE)
    assert ignorecase_key(first) == ignorecase_key(second)


def _prefilters(text: str) -> dict[re.Pattern, bool]:
    key = ignorecase_key(text)
    runs = repetition._letter_runs(key)
    return {
        repetition._REPEATED_WORD: repetition._may_repeat_word(runs, text),
        repetition._REPEATED_PHRASE: repetition._may_repeat_phrase(runs),
        repetition._SELF_COORD: repetition._may_self_coordinate(key),
        numbers._DAY: "day" in key,
        numbers._MAGNITUDE: "thou" in key or "hundred" in key,
        numbers._PADDED: "0" in text,
    }


@pytest.mark.parametrize("text, pattern", [
    ("shipments once again record record.", repetition._REPEATED_WORD),
    ("a RECORD record", repetition._REPEATED_WORD),
    ("we don't don't agree", repetition._REPEATED_WORD),
    ("İstanbul istanbul", repetition._REPEATED_WORD),
    ("the supply side the supply side", repetition._REPEATED_PHRASE),
    ("north, south north, south", repetition._REPEATED_PHRASE),
    ("production, research and research", repetition._SELF_COORD),
    ("(cross-disciplinary and cross-disciplinary)", repetition._SELF_COORD),
    ("covid_19 tests AND covid_19 tests", repetition._SELF_COORD),
    ("On the 29 day", numbers._DAY),
    ("16 THOUSAND", numbers._MAGNITUDE),
    ("5 thouſand", numbers._MAGNITUDE),
    ("the 04 edition", numbers._PADDED),
])
def test_prefilter_passes_every_match(text, pattern):
    assert pattern.search(text), "the example must match the pattern"
    assert _prefilters(text)[pattern]


@pytest.mark.parametrize("text", ["Xiaomi shipped more phones this year.", "research and development", "the supply side reform"])
def test_prefilters_reject_clean_text(text):
    filters = _prefilters(text)
    assert not filters[repetition._REPEATED_WORD]
    assert not filters[repetition._REPEATED_PHRASE]
    assert not filters[repetition._SELF_COORD]


@settings(max_examples=500, deadline=None)
@given(texts)
def test_prefilters_are_necessary_conditions(text):
    for pattern, passes in _prefilters(text).items():
        if not passes:
            assert pattern.search(text) is None, (pattern.pattern, text)


@settings(max_examples=200, deadline=None)
@given(st.one_of(texts, st.text(alphabet="ab1'\u2019 _-\x1c", max_size=30), st.text(alphabet=st.characters(max_codepoint=127), max_size=40)))
def test_word_count(text):
    assert word_count(text) == len(words(text))


json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=12))
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=8)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.dictionaries(st.text(max_size=6), json_values, max_size=4), max_size=4),
    st.dictionaries(st.sampled_from(["summary", "signature"]), json_values, max_size=2),
    st.one_of(st.none(), json_values),
)
def test_json_report_is_encoded_like_json_dumps(findings, head, metrics):
    import copy
    import json

    from mtcheck.reporters.json_reporter import dumps_report

    document = {"tool": "mtcheck", **head, "findings": findings}
    if metrics is not None:
        document["metrics"] = metrics
    assert dumps_report(copy.deepcopy(document)) == json.dumps(document, ensure_ascii=False, indent=2)


@pytest.mark.parametrize("ignored", ["RP001", "NU", "NU002", "CO001", "NM001", "GL002"])
def test_ignoring_a_rule_removes_exactly_its_findings(ignored):
    """The engine filters emitted findings only when some rule is off; both paths agree
    (rules chosen whose findings never nest inside another rule's span)."""
    from mtcheck.api import check_text
    from mtcheck.options import CheckOptions

    text = ("On the 29 day, the 04 edition said the record record sales of HUAWEI reached 16 thousand.\n"
            "The the Lei Jun said the fusion and the integration of line and line research and research matter.")
    everything = check_text(text, CheckOptions(embed=False)).findings
    without = check_text(text, CheckOptions(embed=False, ignore=(ignored,))).findings
    assert any(f.rule.startswith(ignored) for f in everything)
    kept = [f for f in everything if not f.rule.startswith(ignored)]
    assert [(f.rule, f.start) for f in without] == [(f.rule, f.start) for f in kept]


def _slow_drop_nested(findings):
    """drop_nested without its shortcut for segments whose spans are all disjoint."""
    from mtcheck.engine import _covers, _priority

    by_segment = {}
    for finding in findings:
        by_segment.setdefault((finding.file, finding.segment), []).append(finding)
    kept = []
    for group in by_segment.values():
        group = sorted(group, key=lambda f: (-(f.end - f.start), _priority(f), f.start))
        chosen = []
        for finding in group:
            if not any(_covers(c, finding) for c in chosen):
                chosen.append(finding)
        kept.extend(chosen)
    return kept


_spans = st.tuples(st.sampled_from(["1", "2"]), st.integers(0, 12), st.integers(0, 6), st.sampled_from(["GL001", "RP001", "BI001", "NU002"]), st.booleans())


@settings(max_examples=300, deadline=None)
@given(st.lists(_spans, max_size=8))
def test_drop_nested_matches_the_plain_algorithm(specs):
    from mtcheck.engine import drop_nested
    from mtcheck.models import Applicability, Edit, Finding, Fix, Severity

    findings = [
        Finding(rule=rule, category="c", severity=Severity.ERROR, message=f"m{i}", segment=segment, file="f", line=1, column=start + 1,
                start=start, end=start + length, text="", fix=Fix((Edit(start, start + length, "x"),), Applicability.SAFE, "t") if fixed else None)
        for i, (segment, start, length, rule, fixed) in enumerate(specs)
    ]
    key = lambda f: f.sort_key + (f.message,)  # noqa: E731
    assert sorted(drop_nested(findings), key=key) == sorted(_slow_drop_nested(findings), key=key)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 8), st.sampled_from(["GL001", "RP001", "BI001", "NU002"]), st.booleans()), max_size=60))
def test_indexed_nesting_keeps_what_the_pairwise_test_keeps(specs):
    """A segment with many findings (a long line) is decided by _outermost_indexed: the
    same findings, in the same order, as comparing each with every finding kept before."""
    from mtcheck.engine import _outermost, _outermost_indexed, _priority
    from mtcheck.models import Applicability, Edit, Finding, Fix, Severity

    findings = [
        Finding(rule, "c", Severity.ERROR, f"m{i}", "1", "f", 1, start + 1, start, start + length, "",
                fix=Fix((Edit(start, start + length, "x"),), Applicability.SAFE, "t") if fixed else None)
        for i, (start, length, rule, fixed) in enumerate(specs)
    ]
    group = sorted(findings, key=lambda f: (-(f.end - f.start), _priority(f), f.start))
    assert _outermost_indexed(group) == _outermost(group)


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 40), st.integers(0, 10), st.floats(0, 1), st.sampled_from(["RP001", "GL002", "NU003"]),
       st.lists(st.text(max_size=4), max_size=3), st.lists(st.text(max_size=4), max_size=2))
def test_make_finding_builds_the_same_finding_as_the_constructor(start, length, confidence, code, suggestions, evidence):
    import dataclasses

    from mtcheck.context import make_finding, position
    from mtcheck.models import Finding, Segment
    from mtcheck.registry import get_rule

    segment = Segment(id="7", target="Line one of the text.\nLine two, longer, of the same text here.", file="x.txt", line=3)
    end = min(start + length, len(segment.target))
    made = make_finding(code, segment, start, end, "message", suggestions=suggestions, confidence=confidence, evidence=evidence)
    rule = get_rule(code)
    line, column = position(segment, start)
    expected = Finding(rule=code, name=rule.name, category=rule.category, severity=rule.severity, message="message", segment="7",
                       file="x.txt", line=line, column=column, start=start, end=end, text=segment.target[start:end],
                       suggestions=tuple(suggestions), confidence=round(confidence, 3), evidence=tuple(evidence))
    assert made == expected and hash(made) == hash(expected)
    assert [getattr(made, field.name) for field in dataclasses.fields(Finding)] == [getattr(expected, field.name) for field in dataclasses.fields(Finding)]
    assert made.sort_key == expected.sort_key


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["1", "2", "3"]), st.sampled_from(["error", "warning", "info"]), st.floats(0, 1)), max_size=8))
def test_segment_scores_sum_penalties_like_penalty(specs):
    from mtcheck.models import Finding, Segment, Severity
    from mtcheck.scoring import penalty, score_from, segment_scores

    segments = [Segment(id=i, target=f"word {'more ' * int(i)}", file="f") for i in ("1", "2", "3")]
    findings = [Finding(rule="RP001", category="c", severity=Severity(sev), message="m", segment=seg, file="f", line=None, column=1,
                        start=0, end=1, text="w", confidence=conf) for seg, sev, conf in specs]
    scores, overall = segment_scores(segments, findings)
    for segment, score in zip(segments, scores):
        points = penalty(f for f in findings if f.segment == segment.id)
        assert score.penalty == round(points, 2)
        assert score.score == score_from(points, score.words)


@pytest.mark.parametrize("document", [
    {1: "a", None: [1.5, float("inf"), -float("inf")], True: {"x": ()}, 2.5: [(1, "b"), []], False: {}},
    {"findings": [], "nested": [[[]], {"k": [None, True, False, 0, -3, 1e300, "\u00e9\n\"\u2028"]}]},
    [], "just a string", 3,
])
def test_json_report_encoder_handles_every_json_type(document):
    import json

    from mtcheck.reporters.json_reporter import dumps_report

    assert dumps_report(document) == json.dumps(document, ensure_ascii=False, indent=2)


def test_json_report_encoder_rejects_what_json_rejects():
    from mtcheck.reporters.json_reporter import dumps_report

    with pytest.raises(TypeError):
        dumps_report({"x": object()})
    with pytest.raises(TypeError):
        dumps_report({("a",): 1})


# One long line: per-hit and per-finding work reads only the hit's neighbourhood (issue 11).


def _slow_sentence_spans(text):
    """sentence_spans as first written: the words since the last sentence end, split each time."""
    from mtcheck.textutil import _ABBREVIATIONS, _SENTENCE_END_RE

    spans, start = [], 0
    for match in _SENTENCE_END_RE.finditer(text):
        before = text[start:match.start()].split()
        last_word = before[-1].lower().rstrip(".") if before else ""
        if last_word in _ABBREVIATIONS or (len(last_word) == 1 and last_word.isalpha()):
            continue
        spans.append((start, match.end()))
        start = match.end()
        while start < len(text) and text[start].isspace():
            start += 1
    if start < len(text) or not spans:
        spans.append((start, len(text)))
    return spans


_sentence_text = st.lists(st.sampled_from(["Mr.", "A.", " ", "x", "Hello", ".", "!", "?", "\u3002", "Z", "9", '"', "\n", "e.g.", "U.S.", "\u2003"]), max_size=24).map("".join)


@settings(max_examples=300, deadline=None)
@given(_sentence_text)
def test_sentence_spans_and_sentence_at_match_the_plain_scan(text):
    from mtcheck.textutil import sentence_at, sentence_spans

    spans = _slow_sentence_spans(text)
    assert sentence_spans(text) == spans
    for offset in range(len(text) + 1):
        expected = next(((a, b) for a, b in spans if a <= offset < b or offset == b == len(text)), (0, len(text)))
        assert sentence_at(text, offset) == expected


@settings(max_examples=300, deadline=None)
@given(_sentence_text, st.integers(0, 30), st.integers(0, 12))
def test_sentences_near_matches_the_plain_scan(text, offset, reach):
    from mtcheck.textutil import sentence_at, sentence_spans, sentences_near

    start, end = sentence_at(text, min(offset, len(text)))
    spans = sentence_spans(text)
    before = [(a, b) for a, b in reversed(spans) if start - reach < b <= start]
    after = [(a, b) for a, b in spans if end <= a < end + reach]
    assert sentences_near(text, start, end, reach) == (before, after)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["line", "and", " ", "\n", "millet", "group"]), max_size=30).map("".join), st.integers(1, 4), st.integers(0, 3))
def test_position_matches_slicing(target, line, column_offset):
    from mtcheck.context import position
    from mtcheck.models import Segment

    segment = Segment("1", target, "f", line, column_offset=column_offset)
    for offset in range(len(target) + 1):
        before = target[:offset]
        expected = (line + before.count("\n"), offset - before.rfind("\n")) if "\n" in before else (line, column_offset + offset + 1)
        assert position(segment, offset) == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(1, 8)), max_size=40))
def test_matcher_keeps_the_hits_the_pairwise_overlap_test_keeps(spans):
    from mtcheck.glossary.matcher import Hit, _non_overlapping

    candidates = sorted((Hit(start, start + length, i, "wrong", "p") for i, (start, length) in enumerate(spans)),
                        key=lambda h: (-(h.end - h.start), h.start))
    expected, occupied = [], []
    for hit in candidates:
        if not any(hit.start < end and start < hit.end for start, end in occupied):
            expected.append(hit)
            occupied.append((hit.start, hit.end))
    assert _non_overlapping(candidates, 48) == expected


def test_related_names_counts_the_company_hits_of_the_sentence():
    """The lexical gate's evidence: other company names in the hit's sentence (an index of
    the segment's hits, not a scan per hit)."""
    from mtcheck import check_text
    from mtcheck.options import CheckOptions

    text = "Millet, Huawei and Alibaba rose. Millet porridge is sold at the market. Then Huawei, millet."
    millet = [f for f in check_text(text, CheckOptions(embed=False)).findings if f.text.lower() == "millet"]
    related = [next((e for e in f.evidence if "related name" in e), None) for f in millet]
    assert related == ["2 related name(s) in the sentence", None, "1 related name(s) in the sentence"]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("aZbQ ,.1\u00c9\u00e9\u03a3x"), max_size=30))
def test_mostly_upper_matches_counting_letters(text):
    from mtcheck.textutil import mostly_upper

    letters = [ch for ch in text if ch.isalpha()]
    expected = len(letters) >= 12 and sum(ch.isupper() for ch in letters) / len(letters) > 0.8
    assert mostly_upper(text) == expected
    assert mostly_upper(text.upper()) == (len(letters) >= 12)


# No backslash: rich's markup escape doubles a trailing one ("C:\\" printed "C:\\\\"), which
# the plain path does not copy.
_odd_text = st.text(alphabet=st.sampled_from("ab [/]\t\r\x07\x0b\x1b→é中\u200b:"), max_size=20)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a.txt", "b [x].txt", "t\tab.txt"]), _odd_text, _odd_text, st.sampled_from([1.0, 0.5, 0.999]),
                          st.sampled_from([None, 3]), st.sampled_from(["error", "warning", "info"])), max_size=6))
def test_plain_terminal_report_is_what_rich_prints_without_colour(specs):
    """The terminal report without colour is built without rich, and must be the text
    rich printed: markup escaped, control codes stripped, tabs expanded."""
    from mtcheck.models import Finding, RunResult, Severity
    from mtcheck.reporters.base import ReportContext
    from mtcheck.reporters.terminal import TerminalReporter

    findings = tuple(sorted(
        (Finding("GL001", "c", Severity(severity), message, "7", file, line, 2, 0, 1, "x", (suggestion,) if suggestion else (), confidence)
         for file, message, suggestion, confidence, line, severity in specs), key=lambda f: f.file))
    result = RunResult((), findings, "sig")
    fast = TerminalReporter(color=False).render(result, ReportContext())
    assert fast == TerminalReporter(color=False)._render_rich(result)


_json_text = st.text(alphabet=st.sampled_from('ab"\\\n\t\x00\x1f→é中\ud7ff '), max_size=8)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_json_text, _json_text, st.sampled_from([None, 1, 12]), st.floats(0, 1), st.lists(_json_text, max_size=3),
                          st.lists(_json_text, max_size=2), st.sampled_from([None, "safe", "unsafe"])), max_size=5))
def test_json_report_findings_are_encoded_like_json_dumps(specs):
    """FindingEncoder writes each finding without building its dict: the same text as
    json.dumps(indent=2) of the JSON contract."""
    import json

    from mtcheck.models import Applicability, Edit, Finding, Fix, RunResult, Severity
    from mtcheck.reporters.base import ReportContext
    from mtcheck.reporters.json_reporter import JsonReporter, result_to_dict

    findings = tuple(
        Finding("GL001", "c", Severity.WARNING, message, "s1", file, line, line, 0, 3, "abc", tuple(suggestions), round(confidence, 3),
                Fix((Edit(0, 3, message),), Applicability(fix)) if fix else None, tuple(evidence))
        for file, message, line, confidence, suggestions, evidence, fix in specs
    )
    # Each finding again in another segment, at other positions: the second copy's shared
    # parts come from FindingEncoder's caches.
    findings += tuple(dataclasses.replace(finding, segment="s2", line=None, start=finding.start + 1, end=finding.end + 1) for finding in findings)
    result = RunResult((), findings, "sig")
    expected = json.dumps(result_to_dict(result, "1"), ensure_ascii=False, indent=2) + "\n"
    assert JsonReporter().render(result, ReportContext(version="1")) == expected


@pytest.mark.parametrize("confidences", [(1.0, 1), (0.0, -0.0), (1, True)])
def test_json_report_keeps_confidences_that_compare_equal_apart(confidences):
    import json

    from mtcheck.models import Finding, RunResult, Severity
    from mtcheck.reporters.base import ReportContext
    from mtcheck.reporters.json_reporter import JsonReporter, result_to_dict

    findings = tuple(Finding("GL001", "c", Severity.ERROR, "m", "1", "f", 1, 1, 0, 1, "a", confidence=value) for value in confidences)
    result = RunResult((), findings, "sig")
    expected = json.dumps(result_to_dict(result, "1"), ensure_ascii=False, indent=2) + "\n"
    assert JsonReporter().render(result, ReportContext(version="1")) == expected


def plain_cjk_share(texts: list[str]) -> tuple[float, int]:
    letters = cjk = 0
    for text in texts:
        for ch in text:
            if ch.isalpha() or is_cjk(ch):
                letters += 1
                cjk += is_cjk(ch)
    return (cjk / letters if letters else 0.0), letters


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(texts, st.text(max_size=30), st.text(alphabet="a1 \u3041\u309b\u30fb\u30fc\u4e00\u3007\uac00\u00e9\u00b2", max_size=30)), max_size=5))
def test_cjk_share_counts_like_the_per_character_test(texts_):
    assert cjk_share(texts_) == plain_cjk_share(texts_)


def plain_find(matcher, text: str) -> list:
    """GlossaryMatcher.find as first written: every automaton hit tested with
    at_word_boundaries, then taken longest first (wrong before approved), skipping any
    that overlaps one taken before, in text order."""
    from mtcheck.glossary.matcher import _KIND_PRIORITY, Hit
    from mtcheck.textutil import at_word_boundaries

    candidates = []
    for automaton, sensitive in matcher._automata:
        for end_index, payload in automaton.iter(normalize(text, sensitive)):
            for index, kind, rendering, length, whole_word in payload:
                start, end = end_index + 1 - length, end_index + 1
                if not whole_word or at_word_boundaries(text, start, end):
                    candidates.append(Hit(start, end, index, kind, rendering))
    candidates.sort(key=lambda h: (-(h.end - h.start), _KIND_PRIORITY[h.kind], h.start))
    taken = []
    for hit in candidates:
        if not any(hit.start < other.end and other.start < hit.end for other in taken):
            taken.append(hit)
    return sorted(taken, key=lambda h: (h.start, h.end))


def _find_matcher():
    from mtcheck.glossary.matcher import GlossaryMatcher
    from mtcheck.models import GlossaryEntry

    return GlossaryMatcher([
        GlossaryEntry(("Xiaomi",), wrong=("millet", "millet group")),
        GlossaryEntry(("big data",), wrong=("large data", "data")),
        GlossaryEntry(("HUAWEI Mate",), wrong=("Mate",), case_sensitive=True),
        GlossaryEntry(("Σίγμα",), wrong=("σ_1",)),
        GlossaryEntry(("ab",), wrong=("b",), whole_word=False),
    ])


FIND_WORDS = ["millet", "Millet", "group", "millet-group", "large", "data", "Mate", "mate", "Σ_1", "σ_1", "ab", "b", "x",
              "millets", "_millet", "9data", "big", "Xiaomi", "data's"]


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.lists(st.sampled_from(FIND_WORDS + [" ", "  ", ", ", "-", "_", "."]), max_size=16).map("".join),
                 st.lists(st.sampled_from(FIND_WORDS), max_size=10).map(" ".join)))
def test_matcher_find_matches_the_plain_search(text):
    matcher = _find_matcher()
    assert matcher.find(text) == plain_find(matcher, text)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["GL001", "RP001", "NU001"]), st.sampled_from([*Severity, "error", "info"]), st.sampled_from([None, 1, 12])), max_size=30),
       st.sampled_from(["rule", "severity", "line"]))
def test_count_by_counts_like_the_plain_loop(specs, attr):
    findings = tuple(Finding(rule, "c", severity, "m", "1", "f.txt", line, 1, 0, 1, "t") for rule, severity, line in specs)
    plain: dict[str, int] = {}
    for finding in findings:
        key = getattr(finding, attr)
        key = key.value if isinstance(key, Severity) else str(key)
        plain[key] = plain.get(key, 0) + 1
    assert RunResult((), findings, "sig").count_by(attr) == dict(sorted(plain.items()))


@pytest.mark.parametrize("count", [0, 1, 2, 255, 256, 257, 513])
def test_encoded_items_are_written_as_the_list_json_writes(count):
    """A list of already encoded items (a report's findings) comes in batches; its text is
    that of json.dumps over the items, at any batch boundary."""
    import json

    from mtcheck.reporters.json_reporter import ENCODED_BATCH, EncodedItems, dumps_report

    assert ENCODED_BATCH == 256  # the counts above straddle its boundaries
    items = [{"n": index, "s": f"item \u00e9 {index}"} for index in range(count)]
    document = {"head": 1, "items": None, "tail": [True]}
    # Items sit at the second level, indented by four spaces inside their list.
    encoded = EncodedItems(iter(json.dumps(item, ensure_ascii=False, indent=2).replace("\n", "\n    ") for item in items))
    assert dumps_report({**document, "items": encoded}) == json.dumps({**document, "items": items}, ensure_ascii=False, indent=2)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab .", max_size=120), st.data(), st.integers(min_value=1, max_value=40))
def test_cut_around_keeps_the_hit_inside_a_bounded_part_of_the_span(text, data, limit):
    from mtcheck.textutil import cut_around

    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    hit_start = data.draw(st.integers(start, end))
    hit_end = data.draw(st.integers(hit_start, end))
    left, right = cut_around(text, start, end, hit_start, hit_end, limit)
    if end - start <= limit:
        assert (left, right) == (start, end)  # short enough: whole
    else:
        assert start <= left <= hit_start <= hit_end <= right <= end
        assert right - left <= max(limit, hit_end - hit_start)


@pytest.mark.parametrize("text, hit, limit, expected", [
    ("one two three four five six seven", "four", 100, "one two three four five six seven"),
    ("one two three four five six seven", "four", 16, "three four five"),  # cut at spaces
    ("one two three four five six seven", "one", 16, "one two three"),  # at the start: the slack goes right
    ("one two three four five six seven", "seven", 16, "five six seven"),
])
def test_cut_around_cases(text, hit, limit, expected):
    from mtcheck.textutil import cut_around

    hit_start = text.index(hit)
    left, right = cut_around(text, 0, len(text), hit_start, hit_start + len(hit), limit)
    assert text[left:right].strip() == expected


ORIGIN_PARTS = ["/", "a", "b.csv", ".", "..", ":", "12", "x", "\\", "C:", " ", "//"]


@settings(max_examples=400, deadline=None)
@given(st.one_of(
    st.lists(st.sampled_from(ORIGIN_PARTS), max_size=8).map("".join),
    st.tuples(st.lists(st.sampled_from(ORIGIN_PARTS), max_size=6).map("".join), st.integers(0, 10**6)).map(lambda p: f"{p[0]}:{p[1]}"),
))
def test_glossary_evidence_names_the_origin_as_pathlib_does(origin):
    from pathlib import Path

    from mtcheck.context import _origin_name

    assert _origin_name(origin) == Path(origin).name
