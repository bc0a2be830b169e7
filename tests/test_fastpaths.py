"""The speed shortcuts must not change results: each fast path is compared with the
straightforward computation it replaces, on examples and on generated text."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings, strategies as st

from mtcheck.checks import numbers, repetition
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
@given(st.one_of(texts, st.text(alphabet="ab1'\u2019 _-\x1c", max_size=30)))
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
