"""Where a segment's target text lives in its file, so `fix` can splice new text back.

Translation formats embed the target inside markup or string literals: XML elements
with entity references and inline tags, PO and JSON strings with backslash escapes,
Markdown paragraphs with inline code. A reader describes each target as a tuple of
`Run`s: pieces of the file whose decoded texts, joined, are the segment's target.

- A *text* run is text the translator wrote. `bounds[i]` is the file offset where
  character i of the run's text starts (escapes make one character several file
  characters), `bounds[-1]` the offset where the run ends.
- A *fixed* run stands for something that is not checked or edited: an inline code
  element, a Markdown code span, the line break and indentation between two lines of a
  paragraph. It contributes placeholder text (U+FFFC for code, whitespace for line
  breaks) and is never rewritten.

`splice` turns an old and a new target into file edits: it diffs the two texts and
rewrites only the changed characters, escaping the new text for its run. Everything
outside the changed characters stays byte-identical, including markup inside the target.
A change that crosses a fixed run keeps the fixed run: the new text goes into the first
text run the change touches.
"""

from __future__ import annotations

import bisect
import difflib
import re
from dataclasses import dataclass, replace
from typing import Callable, Hashable, Iterable, Mapping, Sequence

from ..errors import InputError
from ..models import Segment

# Stands for inline code and markup that a target contains but that is not checked.
PLACEHOLDER = "\ufffc"


def no_escape(text: str) -> str:
    return text


@dataclass(frozen=True)
class Run:
    text: str
    bounds: Sequence[int]  # len(text) + 1 file offsets (a range when the text is the file text)
    editable: bool = True
    escape: Callable[[str], str] = no_escape

    @property
    def start(self) -> int:
        return self.bounds[0]

    @property
    def end(self) -> int:
        return self.bounds[-1]


def raw_run(text: str, start: int, *, escape: Callable[[str], str] = no_escape) -> Run:
    """A text run whose file text is exactly `text` (no escapes)."""
    return Run(text, range(start, start + len(text) + 1), True, escape)


def fixed_run(text: str, start: int, end: int) -> Run:
    """A run the fixer never rewrites, shown to the checks as `text`."""
    return Run(text, (start,) + (end,) * len(text), False)


@dataclass(frozen=True)
class Located:
    """A segment and the runs its target was read from."""

    segment: Segment
    runs: tuple[Run, ...]


@dataclass(frozen=True)
class FileEdit:
    start: int
    end: int
    text: str


def joined(runs: Iterable[Run]) -> str:
    return "".join(run.text for run in runs)


def has_text(runs: Iterable[Run]) -> bool:
    """Whether the runs hold any text besides whitespace and placeholders."""
    return bool(joined(runs).replace(PLACEHOLDER, "").strip())


_last_line_starts: list = [None, ()]  # (text, its line starts): readers ask about one file at a time
# A line ends at \r\n, \r or \n, as for XML parsers, the csv module and CommonMark.
LINE_BREAK = re.compile(r"\r\n?|\n")
_BREAKS = ("\r", "\n")


def _line_starts(text: str) -> tuple[int, ...]:
    # Compared by identity: an equal copy of a large text would cost a full comparison per call.
    if _last_line_starts[0] is not text:
        _last_line_starts[:] = [text, (0,) + tuple(match.end() for match in LINE_BREAK.finditer(text))]
    return _last_line_starts[1]


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and 0-based column of a file offset."""
    starts = _line_starts(text)
    index = bisect.bisect_right(starts, offset) - 1
    return index + 1, offset - starts[index]


def anchors(text: str, runs: Sequence[Run]) -> tuple[tuple[int, int, int], ...]:
    """(target offset, line, column) wherever the target stops following the file one
    character per character: at escapes, between runs and after line breaks. Characters of
    a fixed run after its first continue from it (a placeholder has one character)."""
    found: list[tuple[int, int, int]] = []
    offset = 0
    expected = -1
    previous = ""
    for run in runs:
        if run.editable and isinstance(run.bounds, range) and run.text:
            # Text as written in the file: anchors only at its start and after line breaks.
            first = run.bounds[0]
            if first != expected or previous in _BREAKS:
                found.append((offset, *line_and_column(text, first)))
            for match in LINE_BREAK.finditer(run.text):
                if match.end() < len(run.text):
                    found.append((offset + match.end(), *line_and_column(text, first + match.end())))
            expected, previous = first + len(run.text), run.text[-1]
            offset += len(run.text)
            continue
        for index, char in enumerate(run.text):
            actual = run.bounds[index] if run.editable or index == 0 else expected
            if actual != expected or previous in _BREAKS:
                found.append((offset, *line_and_column(text, actual)))
            expected = actual + 1
            previous = char
            offset += 1
    return tuple(found)


def located_segment(text: str, path: str, segment_id: str, runs: Sequence[Run], **fields) -> Located:
    """A Located whose segment's target, line, column and position anchors come from `runs`."""
    runs = tuple(runs)
    points = anchors(text, runs)
    _, line, column = points[0] if points else (0, *line_and_column(text, runs[0].start if runs else 0))
    if len(points) == 1 and points[0][0] == 0:
        points = ()  # the target runs in step with one line of the file: line and column say it all
    segment = Segment(id=segment_id, target=joined(runs), file=path, line=line, column_offset=column, anchors=points, **fields)
    return Located(segment, runs)


def _run_ranges(runs: Sequence[Run]) -> list[tuple[int, int, Run]]:
    ranges = []
    position = 0
    for run in runs:
        ranges.append((position, position + len(run.text), run))
        position += len(run.text)
    return ranges


def _insertion_point(ranges, at: int) -> tuple[int, Callable[[str], str]]:
    """File offset and escaper for text inserted at target offset `at`: inside the text run
    holding the character before it, else the one holding the character after, else
    right after (or before) the inline code that stands there."""
    editable = [item for item in ranges if item[2].editable]
    if not editable:
        raise InputError("cannot apply a fix: the target has no editable text")
    escape = editable[0][2].escape
    for start, end, run in editable:
        if start < at <= end:
            return run.bounds[at - start], run.escape
    for start, end, run in editable:
        if start <= at < end or start == end == at:
            return run.bounds[at - start], run.escape
    for start, end, run in ranges:
        if end == at:
            return run.end, escape
    for start, end, run in ranges:
        if start == at:
            return run.start, escape
    raise InputError("cannot apply a fix: offset outside the target")


def _changes(old: str, new: str) -> list[tuple[int, int, str]]:
    """(start, end, replacement) turning old into new. When both have the same inline code
    (placeholders), the text between them is compared piece by piece so that no change
    moves across a code element; a placeholder is never written as text."""
    if PLACEHOLDER in old and old.count(PLACEHOLDER) == new.count(PLACEHOLDER):
        changes = []
        old_at = 0
        for old_piece, new_piece in zip(old.split(PLACEHOLDER), new.split(PLACEHOLDER)):
            changes.extend((old_at + i1, old_at + i2, text) for i1, i2, text in _changes(old_piece, new_piece))
            old_at += len(old_piece) + 1
        return changes
    # Compare words, not characters, so that "millet company" -> "Xiaomi" replaces the words
    # whole (and stays inside the inline element that held them).
    old_tokens, new_tokens = _TOKEN.findall(old), _TOKEN.findall(new)
    old_at, new_at = _offsets(old_tokens), _offsets(new_tokens)
    matcher = difflib.SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    return [
        (old_at[i1], old_at[i2], new[new_at[j1]:new_at[j2]].replace(PLACEHOLDER, ""))
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


_TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.S)


def _offsets(tokens: list[str]) -> list[int]:
    offsets = [0]
    for token in tokens:
        offsets.append(offsets[-1] + len(token))
    return offsets


def splice(runs: Sequence[Run], old: str, new: str) -> list[FileEdit]:
    """File edits that turn the target `old` (== joined(runs)) into `new`."""
    if joined(runs) != old:
        raise ValueError("runs do not spell the old target")
    ranges = _run_ranges(runs)
    edits: list[FileEdit] = []
    for i1, i2, replacement in _changes(old, new):
        touched = [(max(i1, a), min(i2, b), a, run) for a, b, run in ranges if run.editable and max(i1, a) < min(i2, b)]
        if not touched:
            offset, escape = _insertion_point(ranges, i1)
            edits.append(FileEdit(offset, offset, escape(replacement)))
            continue
        for index, (lo, hi, a, run) in enumerate(touched):
            text = run.escape(replacement) if index == 0 else ""
            edits.append(FileEdit(run.bounds[lo - a], run.bounds[hi - a], text))
    return edits


def apply_file_edits(text: str, edits: Iterable[FileEdit]) -> str:
    pieces: list[str] = []
    position = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.start < position:
            raise ValueError("overlapping file edits")
        pieces.append(text[position:edit.start])
        pieces.append(edit.text)
        position = edit.end
    pieces.append(text[position:])
    return "".join(pieces)


def rewrite(text: str, path: str, located: Sequence[Located], changes: Mapping[str, str]) -> str:
    """`text` with the targets of the segments in `changes` replaced; every other byte kept."""
    by_id = {item.segment.id: item for item in located}
    edits: list[FileEdit] = []
    for segment_id, new_target in changes.items():
        item = by_id.get(segment_id)
        if item is None:
            raise InputError(f"segment {segment_id!r} not found when writing the fix", where=path, hint="the file changed while mtcheck was fixing it; run the fix again")
        edits.extend(splice(item.runs, item.segment.target, new_target))
    return apply_file_edits(text, edits)


def unique_ids(
    located: Sequence[Located], path: str, *, keys: Sequence[Hashable] | None = None, given: Sequence[bool] | None = None,
) -> list[Located]:
    """The segments with ids that tell them apart, or a one-line error for a real duplicate.

    `keys[i]` is what identifies unit i in its format (default: its id): two units with the
    same key are a duplicate (fix could not tell them apart) and are refused, naming both
    lines. `given[i]` says whether the id is written in the file (default: yes); an id
    mtcheck made up (a row or unit number, a msgid qualified by its context) that another
    unit already has gets `#2` (`#3`, ...) appended, so ids written in the file never change.
    """
    keys = [item.segment.id for item in located] if keys is None else keys
    given = [True] * len(located) if given is None else given
    first_line: dict[Hashable, int | None] = {}
    given_ids: dict[str, int | None] = {}
    for item, key, is_given in zip(located, keys, given):
        segment = item.segment
        earlier = key in first_line or (is_given and segment.id in given_ids)
        if earlier:
            line = first_line[key] if key in first_line else given_ids[segment.id]
            raise InputError(
                f"duplicate id {segment.id!r} (first at line {line})", where=path, line=segment.line,
                hint="give every unit a unique id",
            )
        first_line[key] = segment.line
        if is_given:
            given_ids[segment.id] = segment.line
    taken = set(given_ids)
    settled = []
    for item, is_given in zip(located, given):
        if is_given:
            settled.append(item)
            continue
        wanted = candidate = item.segment.id
        number = 2
        while candidate in taken:
            candidate, number = f"{wanted}#{number}", number + 1
        taken.add(candidate)
        settled.append(item if candidate == wanted else Located(replace(item.segment, id=candidate), item.runs))
    return settled
