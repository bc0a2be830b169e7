"""Glossary loading, validation and matching."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mtcheck.errors import GlossaryError
from mtcheck.glossary.loader import lint_glossary, load_glossary, read_glossary_rows
from mtcheck.glossary.matcher import GlossaryMatcher
from mtcheck.models import GlossaryEntry


def write(tmp_path, text, name="g.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_load_csv_and_tsv(tmp_path):
    csv_path = write(tmp_path, "source,approved,wrong\n小米,Xiaomi|Xiaomi Corp,millet|millet company\n")
    tsv_path = write(tmp_path, "source\tapproved\twrong\n小米\tXiaomi\tmillet\n", "g.tsv")
    entry = load_glossary(csv_path).entries[0]
    assert entry.approved == ("Xiaomi", "Xiaomi Corp") and entry.wrong == ("millet", "millet company")
    assert entry.origin == f"{csv_path}:2"
    assert load_glossary(tsv_path).entries[0].preferred == "Xiaomi"


def test_comments_keep_line_numbers(tmp_path):
    path = write(tmp_path, "# comment\napproved,severity\n# another\nHuawei,fatal\n")
    _, problems = read_glossary_rows(path)
    assert [(p.line, p.message.split(":")[0]) for p in problems] == [(4, "unknown severity 'fatal'")]


@pytest.mark.parametrize(
    "text,message",
    [
        ("approved,colour\nX,red\n", "unknown column 'colour'"),
        ("wrong\nmillet\n", "no 'approved' column"),
        ("approved,wrong\nXiaomi,Xiaomi\n", "listed both as approved and as wrong"),
        ("approved,wrong,literal_sense\nXiaomi,millet,A cereal.\n", "'intended_sense' is empty"),
        ("approved,domain\nXiaomi,planet\n", "unknown domain 'planet'"),
        ("approved,autofix\nXiaomi,maybe\n", "'autofix' must be safe, unsafe or no"),
        ("approved,wrong\nXiaomi,millet,extra\n", "row has 3 cells"),
        ("", "empty glossary"),
    ],
)
def test_validation_problems(tmp_path, text, message):
    _, problems = read_glossary_rows(write(tmp_path, text))
    assert problems and message in problems[0].message
    with pytest.raises(GlossaryError):
        load_glossary(write(tmp_path, text, "again.csv"))


def test_lint_finds_duplicates_cross_entry_clashes_and_order(tmp_path):
    path = write(tmp_path, "approved,wrong\nXiaomi,millet\nHonor,glory|millet\nAlibaba,Xiaomi\n")
    entries, _ = read_glossary_rows(path)
    messages = [p.message for p in lint_glossary(entries)]
    assert any("'millet' also listed" in m for m in messages)
    assert any("'Xiaomi' is approved" in m for m in messages)
    assert any(m.startswith("not sorted") for m in messages)


def test_case_sensitive_entries_may_share_folded_forms(tmp_path):
    path = write(tmp_path, "approved,wrong,case_sensitive\nApple,apple,yes\n")
    entries, problems = read_glossary_rows(path)
    assert problems == [] and lint_glossary(entries) == []


def _entry(approved, wrong=(), **kw):
    return GlossaryEntry(approved=tuple(approved), wrong=tuple(wrong), **kw)


def test_matcher_longest_match_and_boundaries():
    matcher = GlossaryMatcher([_entry(["Xiaomi"], ["millet"]), _entry(["Xiaomi Technology"], ["millet technology"])])
    text = "millet technology and millets and millet-based milletx millet"
    hits = [(text[h.start:h.end], h.kind) for h in matcher.find(text)]
    # "millets" and "milletx" are other words; "millet-based" contains the word "millet".
    assert hits == [("millet technology", "wrong"), ("millet", "wrong"), ("millet", "wrong")]
    assert [h.start for h in matcher.find(text)][1:] == [text.index("millet-based"), text.rindex("millet")]


def test_matcher_hyphen_space_and_apostrophes():
    matcher = GlossaryMatcher([_entry(["Qualcomm"], ["high-pass"]), _entry(["People's Daily"], case_sensitive=True)])
    text = "the high pass chip, the high-pass chip, people\u2019s daily"
    found = [(text[h.start:h.end], h.kind) for h in matcher.find(text)]
    assert found == [("high pass", "wrong"), ("high-pass", "wrong"), ("people\u2019s daily", "approved")]


def test_case_sensitive_wrong_rendering():
    matcher = GlossaryMatcher([_entry(["Apple"], ["apple"], case_sensitive=True)])
    text = "apple and Apple"
    assert [(text[h.start:h.end], h.kind) for h in matcher.find(text)] == [("apple", "wrong"), ("Apple", "approved")]


def test_substring_without_whole_word():
    matcher = GlossaryMatcher([_entry(["WeChat"], ["micro letter"], whole_word=False)])
    assert len(matcher.find("themicro letters")) == 1


@given(st.text(alphabet=st.sampled_from(list("ab -'xyzMILET")), max_size=60))
def test_matcher_hits_are_sorted_disjoint_and_exact(text):
    matcher = GlossaryMatcher([_entry(["Xiaomi"], ["millet"]), _entry(["Ab"], ["a b", "ab ab"])])
    hits = matcher.find(text)
    for a, b in zip(hits, hits[1:]):
        assert a.end <= b.start
    for hit in hits:
        folded = text[hit.start:hit.end].lower().replace("-", " ")
        assert folded == hit.pattern.lower()
