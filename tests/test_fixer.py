"""The fixer: overlapping edits, repeat-until-stable, atomic writes, backups, encodings, CRLF."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mtcheck.fixer import apply_edits, fix_until_stable
from mtcheck.safeio import Snapshot, atomic_write, backup_path, replace_in_place
from mtcheck.models import Edit, Segment
from mtcheck.readers import decode_file, read_segments, rewrite_file

from .conftest import glossary_only


@pytest.mark.parametrize(
    "text,edits,expected,skipped",
    [
        ("abcdef", [Edit(0, 1, "X")], "Xbcdef", 0),
        ("abcdef", [Edit(4, 6, "YZ!"), Edit(0, 1, "X")], "XbcdYZ!", 0),
        ("abcdef", [Edit(0, 3, "X"), Edit(2, 4, "Y")], "Xdef", 1),  # overlap: the first wins
        ("abcdef", [Edit(2, 2, "+"), Edit(2, 2, "-")], "ab+cdef", 1),  # two insertions at one point
        ("abcdef", [Edit(1, 2, "B"), Edit(1, 2, "B")], "aBcdef", 0),  # duplicates collapse
        ("abc", [Edit(2, 9, "X")], "abc", 1),  # out of range: skipped, never applied
        ("abcdef", [Edit(3, 3, "_"), Edit(3, 5, "X")], "abc_Xf", 0),  # insertion before a replacement
    ],
)
def test_apply_edits_cases(text, edits, expected, skipped):
    outcome = apply_edits(text, edits)
    assert outcome.text == expected
    assert len(outcome.skipped) == skipped


@st.composite
def text_and_edits(draw):
    text = draw(st.text(min_size=0, max_size=40))
    edits = []
    for _ in range(draw(st.integers(0, 6))):
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, len(text)))
        edits.append(Edit(start, end, draw(st.text(max_size=5))))
    return text, edits


@given(text_and_edits())
@settings(max_examples=300, deadline=None)
def test_applied_edits_never_overlap_and_untouched_text_survives(case):
    text, edits = case
    outcome = apply_edits(text, edits)
    applied = sorted(outcome.applied)
    for a, b in zip(applied, applied[1:]):
        assert a.end <= b.start
    assert len(outcome.applied) + len(outcome.skipped) == len(set(edits))
    # Rebuild by hand: the characters outside applied edits are kept in order.
    rebuilt, position = [], 0
    for edit in applied:
        rebuilt.append(text[position:edit.start] + edit.replacement)
        position = edit.end
    rebuilt.append(text[position:])
    assert outcome.text == "".join(rebuilt)


@given(st.text(max_size=60))
def test_no_edits_is_identity(text):
    assert apply_edits(text, []).text == text


def _checker(options):
    from mtcheck.api import check_segments

    return lambda segments: check_segments(segments, options).findings


def test_fix_repeats_until_stable():
    # Removing one "record" leaves another double: a second pass is needed.
    segments = [Segment(id="1", target="they record record record sales", line=1)]
    fixed, passes = fix_until_stable(segments, _checker(glossary_only(select=("RP001",))))
    assert fixed[0].target == "they record sales"
    assert passes == 2


def test_unsafe_fixes_need_the_flag():
    segments = [Segment(id="1", target="research and research teams", line=1)]
    checker = _checker(glossary_only(select=("RP003",)))
    assert fix_until_stable(segments, checker)[0][0].target == "research and research teams"
    assert fix_until_stable(segments, checker, unsafe=True)[0][0].target == "research teams"


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "gb18030"])
def test_rewrite_keeps_encoding_and_line_endings(tmp_path, newline, encoding):
    lines = ["第一 line stays", "", "they record record sales", "last line"]
    path = tmp_path / "mt.txt"
    path.write_bytes(newline.join(lines).encode(encoding) + newline.encode(encoding))
    forced = encoding if encoding in ("gb18030",) else None
    segments = read_segments(str(path), encoding=forced)
    fixed, _ = fix_until_stable(segments, _checker(glossary_only()))
    changes = {a.id: a.target for a, b in zip(fixed, segments) if a.target != b.target}
    decoded = decode_file(str(path), forced)
    new_bytes = rewrite_file(decoded, changes).encode(decoded.encoding)
    expected = lines[:]
    expected[2] = "they record sales"
    assert new_bytes == newline.join(expected).encode(encoding) + newline.encode(encoding)


def test_atomic_write_replaces_and_keeps_mode(tmp_path):
    path = tmp_path / "out.txt"
    path.write_text("old")
    os.chmod(path, 0o640)
    atomic_write(path, b"new")
    assert path.read_bytes() == b"new"
    assert (path.stat().st_mode & 0o777) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]  # no temp file left


def test_atomic_write_failure_leaves_original(tmp_path, monkeypatch):
    path = tmp_path / "out.txt"
    path.write_text("original")

    def boom(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        atomic_write(path, b"partial")
    assert path.read_text() == "original"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_backups_are_never_overwritten(tmp_path):
    path = tmp_path / "mt.txt"
    path.write_text("v1")
    first = replace_in_place(path, b"v2", Snapshot.of(path), backup=True)
    second = replace_in_place(path, b"v3", Snapshot.of(path), backup=True)
    assert first.name == "mt.txt.bak" and first.read_text() == "v1"
    assert second.name == "mt.txt.bak.1" and second.read_text() == "v2"
    assert path.read_text() == "v3"
    assert backup_path(path).name == "mt.txt.bak.2"


def test_table_rewrite_touches_only_changed_rows(tmp_path):
    path = tmp_path / "mt.tsv"
    original = 'id\tsource\ttarget\r\na\t源\tthey record record it\r\nb\t源\t"quoted\tcell" stays\r\n'
    path.write_bytes(original.encode("utf-8"))
    segments = read_segments(str(path))
    fixed, _ = fix_until_stable(segments, _checker(glossary_only()))
    changes = {a.id: a.target for a, b in zip(fixed, segments) if a.target != b.target}
    assert changes == {"a": "they record it"}
    new = rewrite_file(decode_file(str(path)), changes)
    assert new == original.replace("they record record it", "they record it")


def test_atomic_write_accepts_pieces(tmp_path):
    path = tmp_path / "out.json"
    atomic_write(path, (piece for piece in (b"{\n", b'  "a": 1', b"\n}\n")))
    assert path.read_bytes() == b'{\n  "a": 1\n}\n'
    atomic_write(path, b"replaced")
    assert path.read_bytes() == b"replaced"


def _fixed_finding(segment: Segment, start: int, end: int, replacement: str, unsafe: bool = False):
    from mtcheck.models import Applicability, Finding, Fix, Severity

    applicability = Applicability.UNSAFE if unsafe else Applicability.SAFE
    return Finding("GL001", "mistranslation", Severity.ERROR, "m", segment.id, segment.file, segment.line, start + 1,
                   start, end, segment.target[start:end], fix=Fix((Edit(start, end, replacement),), applicability))


def test_corrected_targets_keys_by_file_and_segment():
    from mtcheck.fixer import corrected_targets

    a1, a2 = Segment("1", "millet phone", "a.txt", 1), Segment("2", "clean", "a.txt", 2)
    b1 = Segment("1", "millet group", "b.txt", 1)
    findings = [_fixed_finding(a1, 0, 6, "Xiaomi"), _fixed_finding(b1, 0, 6, "Xiaomi", unsafe=True)]
    assert corrected_targets([a1, a2, b1], findings) == {
        ("a.txt", "1"): "Xiaomi phone", ("a.txt", "2"): "clean", ("b.txt", "1"): "Xiaomi group",
    }
    assert corrected_targets([a1, a2, b1], findings, unsafe=False)[("b.txt", "1")] == "millet group"


def test_corrected_targets_looks_at_each_finding_once(monkeypatch):
    """Linear: the findings are grouped once, not rescanned for every segment."""
    import mtcheck.fixer as fixer

    segments = [Segment(str(n), f"millet {n}", "a.txt", n) for n in range(1, 201)]
    findings = [_fixed_finding(segment, 0, 6, "Xiaomi") for segment in segments]
    calls = []
    real = fixer.fixable
    monkeypatch.setattr(fixer, "fixable", lambda finding, unsafe: calls.append(finding) or real(finding, unsafe))
    corrected = fixer.corrected_targets(segments, findings)
    assert len(calls) == len(findings)
    assert corrected[("a.txt", "7")] == "Xiaomi 7"
