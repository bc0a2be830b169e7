"""Readers: plain text, aligned files, TSV/CSV — round trips and bad shapes."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mtcheck.errors import InputError
from mtcheck.readers import decode_file, read_segments, rewrite_file

line_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r\x00"), max_size=30)


@given(lines=st.lists(line_text, min_size=1, max_size=12), newline=st.sampled_from(["\n", "\r\n"]), final=st.booleans())
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
def test_plaintext_segments_are_the_non_empty_lines(tmp_path_factory, lines, newline, final):
    if not any(line.strip() for line in lines):
        lines = lines + ["x"]
    path = tmp_path_factory.mktemp("r") / "mt.txt"
    data = newline.join(lines) + (newline if final else "")
    path.write_bytes(data.encode("utf-8"))
    segments = read_segments(str(path))
    assert [(s.line, s.target) for s in segments] == [(n, l) for n, l in enumerate(lines, start=1) if l.strip()]
    assert all(s.id == str(s.line) for s in segments)
    # Rewriting every segment with its own text gives back the same bytes.
    decoded = decode_file(str(path))
    assert rewrite_file(decoded, {s.id: s.target for s in segments}) == data


@given(rows=st.lists(st.tuples(line_text, line_text), min_size=1, max_size=8), delimiter=st.sampled_from(["\t", ","]))
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
def test_table_round_trip(tmp_path_factory, rows, delimiter):
    import csv
    import io

    rows = [(src, tgt) for src, tgt in rows if src.strip() or tgt.strip()] or [("源", "target")]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(["source", "target"])
    writer.writerows(rows)
    path = tmp_path_factory.mktemp("t") / ("mt.tsv" if delimiter == "\t" else "mt.csv")
    path.write_text(buffer.getvalue(), encoding="utf-8")
    segments = read_segments(str(path))
    assert [(s.source or "", s.target) for s in segments] == [(src, tgt) for src, tgt in rows]
    assert [s.id for s in segments] == [str(i) for i in range(1, len(rows) + 1)]
    changed = {segments[0].id: "new text, with\ttabs and \"quotes\""}
    rewritten = tmp_path_factory.mktemp("t2") / path.name
    rewritten.write_text(rewrite_file(decode_file(str(path)), changed), encoding="utf-8")
    again = read_segments(str(rewritten))
    assert again[0].target == changed[segments[0].id]
    assert [s.target for s in again[1:]] == [s.target for s in segments[1:]]


def test_aligned_source_and_reference(tmp_path):
    (tmp_path / "t.txt").write_text("one\n\nthree\n", encoding="utf-8")
    (tmp_path / "s.txt").write_text("一\n\n三\n", encoding="utf-8")
    (tmp_path / "r.txt").write_text("One\n\nThree\n\n", encoding="utf-8")
    segments = read_segments(str(tmp_path / "t.txt"), source=str(tmp_path / "s.txt"), reference=str(tmp_path / "r.txt"))
    assert [(s.id, s.source, s.reference) for s in segments] == [("1", "一", "One"), ("3", "三", "Three")]


def test_table_ids_and_lines(tmp_path):
    path = tmp_path / "mt.tsv"
    path.write_text("id\tsource\ttarget\treference\n\nseg-a\t一\tone\tOne\nseg-b\t二\ttwo\t\n", encoding="utf-8")
    segments = read_segments(str(path))
    assert [(s.id, s.line, s.reference) for s in segments] == [("seg-a", 3, "One"), ("seg-b", 4, None)]


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("a.tsv", "source\tcomment\n", "unknown column 'comment'"),
        ("a.tsv", "id\tsource\n1\t一\n", "no 'target' column"),
        ("a.tsv", "target\n", "no data rows"),
        ("a.csv", "target,source\nx,y,z\n", "row has 3 cells"),
    ],
)
def test_table_errors(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as error:
        read_segments(str(path))
    assert message in str(error.value) and str(path) in str(error.value)


def test_bom_is_detected_and_kept(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffthey record record it\n".encode("utf-8"))
    decoded = decode_file(str(path))
    assert decoded.encoding == "utf-8-sig" and decoded.text.startswith("they")
