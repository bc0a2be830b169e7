"""Property test of read -> fix -> re-read for every reader format, on generated files and on
generated files with hostile bytes spliced in.

For every file: reading either gives segments or raises the project's one-line InputError
(nothing else); every letter of a target is reported where it is in the file; writing new targets and reading again gives exactly the new targets, the
same ids, and every byte outside the changed targets identical.
"""

from __future__ import annotations

import csv
import io
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mtcheck.errors import InputError
from mtcheck.readers import decode_file, read_segments, rewrite_file
from mtcheck.readers.decoding import split_lines, strip_eol
from mtcheck.readers.formats import FORMAT_MODULES, _locate
from mtcheck.readers.po import escape_po
from mtcheck.readers.spans import PLACEHOLDER
from mtcheck.readers.tabular import locate_table
from mtcheck.readers.xmltree import escape_cdata, escape_text

TRICKY = list('ab Z9 "\'&<>\\/\t\n\r中😀]]>%{},;:#`*')
TEXT = st.text(alphabet=st.sampled_from(TRICKY), min_size=1, max_size=12)
WORDS = st.lists(st.sampled_from(["alpha", "beta", "record", "Xiaomi", "line", "data"]), min_size=1, max_size=5).map(" ".join)
NEWLINE = st.sampled_from(["\n", "\r\n", "\r"])
HOSTILE = st.sampled_from(["<", ">", "&", "&amp;", '"', "'", "\r", "\n", "\t", ",", "]]>", "<!--", "-->", "<![CDATA[", "{", "}", "[", "]", "\\", "#", "msgid ", "\x00", "\ufeff", "NaN", "9" * 50, "</tu>", "<hi>"])


def _visible(text: str) -> str:
    """Text a format keeps as it is: no leading/trailing space, something to check."""
    return "x" + text.strip() + "y"


# --- documents ----------------------------------------------------------------------------------

def plain(targets: list[str], newline: str) -> str:
    return newline.join(_visible(t.replace("\r", " ").replace("\n", " ")) for t in targets) + newline


def table(targets: list[str], newline: str, delimiter: str, with_ids: bool) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    writer.writerow(["id", "target"] if with_ids else ["target"])
    for number, target in enumerate(targets, start=1):
        writer.writerow([f"r{number}", _visible(target)] if with_ids else [_visible(target)])
    return buffer.getvalue()


def xml_text(text: str, number: int) -> str:
    """Element content: escaped text, or a CDATA section for every other unit."""
    return f"<![CDATA[{escape_cdata(text)}]]>" if number % 2 else escape_text(text)


def xliff12(targets: list[str], newline: str) -> str:
    units = newline.join(
        f'<trans-unit id="u{n}"><source>s</source><target>{xml_text(_visible(t), n)}</target></trans-unit>' for n, t in enumerate(targets, 1)
    )
    return f'<?xml version="1.0"?>{newline}<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file original="f"><body>{newline}{units}{newline}</body></file></xliff>{newline}'


def xliff20(targets: list[str], newline: str) -> str:
    units = newline.join(
        f'<unit id="u{n}"><segment><source>s</source><target>{escape_text(_visible(t))}</target></segment></unit>' for n, t in enumerate(targets, 1)
    )
    return f'<xliff version="2.0" xmlns="urn:oasis:names:tc:xliff:document:2.0" srcLang="zh" trgLang="en"><file id="f">{newline}{units}{newline}</file></xliff>{newline}'


def po(targets: list[str], newline: str) -> str:
    entries = [f'msgid "m{n}"{newline}msgstr "{escape_po(_visible(t))}"{newline}' for n, t in enumerate(targets, 1)]
    return newline.join(entries)


def tmx(targets: list[str], newline: str) -> str:
    units = newline.join(
        f'<tu><tuv xml:lang="zh"><seg>s</seg></tuv><tuv xml:lang="en"><seg>{xml_text(_visible(t), n)}</seg></tuv></tu>' for n, t in enumerate(targets, 1)
    )
    return f'<tmx version="1.4"><header srclang="zh"/><body>{newline}{units}{newline}</body></tmx>{newline}'


def json_i18n(targets: list[str], newline: str) -> str:
    data = {"home": {f"k{n}": _visible(t) for n, t in enumerate(targets, 1)}, "count": 3, "list": [_visible(targets[0])]}
    return json.dumps(data, ensure_ascii=bool(len(targets) % 2), indent=2).replace("\n", newline)


def markdown(paragraphs: list[str], newline: str) -> str:
    return (newline * 2).join(f"{'# ' if n == 1 else ''}{p}" for n, p in enumerate(paragraphs, 1)) + newline


DOCUMENTS = {
    "doc.txt": lambda targets, newline, flag: plain(targets, newline),
    "doc.tsv": lambda targets, newline, flag: table(targets, newline, "\t", flag),
    "doc.csv": lambda targets, newline, flag: table(targets, newline, ",", flag),
    "doc.xlf": lambda targets, newline, flag: xliff12(targets, newline),
    "doc2.xlf": lambda targets, newline, flag: xliff20(targets, newline),
    "doc.po": lambda targets, newline, flag: po(targets, newline),
    "doc.tmx": lambda targets, newline, flag: tmx(targets, newline),
    "doc.json": lambda targets, newline, flag: json_i18n(targets, newline),
}


# --- where targets lie ------------------------------------------------------------------------

def target_spans(text: str, name: str, whole_rows: set[str] = frozenset()) -> dict[str, tuple[int, int]]:
    """File (start, end) of every segment's target: a table's whole target cell, or its whole
    record for the rows in `whole_rows` and rows in lenient quoting (fix rewrites those whole)."""
    extension = "." + name.rsplit(".", 1)[1]
    if extension in (".tsv", ".csv"):
        rows = locate_table(text, name)
        return {
            row.located.segment.id: row.cell[:2] if row.cell and row.located.segment.id not in whole_rows else (row.record.start, row.record.end)
            for row in rows
        }
    if extension == ".txt":
        spans, offset = {}, 0
        for number, line in enumerate(split_lines(text), start=1):
            spans[str(number)] = (offset, offset + len(strip_eol(line)))
            offset += len(line)
        return spans
    return {item.segment.id: (item.runs[0].start, item.runs[-1].end) for item in _locate(FORMAT_MODULES[extension])(text, name)}


def new_targets(name: str, old: str, pieces: list[str]) -> str:
    """A new target for a segment: keeps the old one's placeholders; only what the format
    can hold (no line breaks in a line, no CR in XML, which normalises it away)."""
    parts = old.split(PLACEHOLDER)
    new = PLACEHOLDER.join(_visible(pieces[i % len(pieces)]) for i in range(len(parts)))
    if name.endswith(".txt"):
        new = new.replace("\r", " ").replace("\n", " ")
    if name.endswith((".xlf", ".tmx")):
        new = new.replace("\r", " ")
    return new


def lenient_rows(text: str, name: str) -> set[str]:
    """Ids of a table's rows whose quoting the csv module reads leniently (`"a" b`)."""
    if not name.endswith((".tsv", ".csv")):
        return set()
    return {row.located.segment.id for row in locate_table(text, name) if row.cell is None}


def assert_positions_exact(text: str, name: str, segments) -> None:
    """Every letter of every target is reported at the line and column where it (or the
    escape that spells it) is in the file (a table row in the csv module's lenient quoting only says its line)."""
    from mtcheck.context import position

    lenient = lenient_rows(text, name)
    lines = [strip_eol(line) for line in split_lines(text)]
    for segment in segments:
        if segment.id in lenient:
            continue
        for offset, char in enumerate(segment.target):
            if char.isalnum():
                line, column = position(segment, offset)
                assert lines[line - 1][column - 1] in (char, "\\", "&"), (segment.id, offset)  # or its escape


def assert_round_trip(tmp_path, name: str, data: bytes, draw) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    try:
        segments = read_segments(str(path), include_fuzzy=True)
    except InputError as error:
        assert "\n" not in error.one_line()
        return
    if not segments:
        return
    decoded = decode_file(str(path))
    assert_positions_exact(decoded.text, name, segments)
    chosen = draw(st.lists(st.sampled_from([s.id for s in segments]), unique=True, min_size=1, max_size=3))
    by_id = {s.id: s for s in segments}
    if name.endswith(".md"):
        changes = {i: by_id[i].target.replace("alpha", "omega") for i in chosen}
    else:
        changes = {i: new_targets(name, by_id[i].target, draw(st.lists(TEXT, min_size=1, max_size=3))) for i in chosen}
    rewritten = rewrite_file(decoded, changes)
    path.write_bytes(rewritten.encode(decoded.encoding))
    after = {s.id: s.target for s in read_segments(str(path), include_fuzzy=True)}
    assert after == {i: changes.get(i, s.target) for i, s in by_id.items()}
    lenient = lenient_rows(decoded.text, name)  # rows a fix rewrites whole
    # The text outside the changed targets (before the first, between them, after the last)
    # is in the rewritten file unchanged and in order: the first piece starts it, the last
    # ends it. (Where exactly a rewritten target starts and ends is not located: a target of
    # several runs, text then CDATA, keeps the CDATA markup of an emptied run.)
    spans = sorted(target_spans(decoded.text, name, lenient)[i] for i in changes)
    edges = [0, *(edge for span in spans for edge in span), len(decoded.text)]
    gaps = [decoded.text[edges[k]:edges[k + 1]] for k in range(0, len(edges), 2)]
    assert rewritten.startswith(gaps[0]) and rewritten.endswith(gaps[-1])
    position = len(gaps[0])
    for gap in gaps[1:-1]:
        found = rewritten.find(gap, position)
        assert found >= 0, gap
        position = found + len(gap)
    assert position <= len(rewritten) - len(gaps[-1])


FUZZ = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@FUZZ
@given(name=st.sampled_from(sorted(DOCUMENTS)), targets=st.lists(TEXT, min_size=1, max_size=4), newline=NEWLINE, flag=st.booleans(), data=st.data())
def test_generated_files_round_trip(tmp_path, name, targets, newline, flag, data):
    text = DOCUMENTS[name](targets, newline, flag)
    assert_round_trip(tmp_path, name, text.encode("utf-8"), data.draw)


@FUZZ
@given(paragraphs=st.lists(WORDS, min_size=1, max_size=4), newline=NEWLINE, data=st.data())
def test_generated_markdown_round_trips(tmp_path, paragraphs, newline, data):
    assert_round_trip(tmp_path, "doc.md", markdown(["alpha " + p for p in paragraphs], newline).encode("utf-8"), data.draw)


@FUZZ
@given(
    name=st.sampled_from(sorted(DOCUMENTS) + ["doc.md"]),
    targets=st.lists(TEXT, min_size=1, max_size=3),
    newline=NEWLINE,
    splices=st.lists(st.tuples(st.floats(0, 1), HOSTILE), min_size=1, max_size=4),
    data=st.data(),
)
def test_files_with_hostile_bytes_spliced_in(tmp_path, name, targets, newline, splices, data):
    text = markdown(["alpha " + t for t in targets], newline) if name == "doc.md" else DOCUMENTS[name](targets, newline, True)
    for fraction, piece in splices:
        at = int(fraction * len(text))
        text = text[:at] + piece + text[at:]
    assert_round_trip(tmp_path, name, text.encode("utf-8"), data.draw)
