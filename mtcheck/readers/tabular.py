"""TSV/CSV with a header: columns `target` (required), `source`, `reference`, `id`.

Records and cells come from the csv module itself (strict quoting, `newline=''`
semantics: a record ends at an unquoted \\r\\n, \\r or \\n; a quoted cell may hold any of
them). `fix` rewrites only the target cell of a changed row, every other byte stays as
it was.

Segment id: the `id` cell, else the row number (the first data row is 1). Two rows with
the same `id` are refused; a row number that is also another row's `id` gets `#2`
appended (see `spans.unique_ids`).
"""

from __future__ import annotations

import csv
import sys
from dataclasses import dataclass
from typing import Iterator

from ..errors import InputError
from ..models import Segment
from .decoding import decode_file, split_lines, strip_eol
from .spans import FileEdit, Located, Run, apply_file_edits, located_segment, raw_run, splice, unique_ids

KNOWN_COLUMNS = ("id", "source", "target", "reference")
QUOTE = '"'
# The csv module's own limit on one cell is 131072 characters; a cell can never be longer
# than its file, and C longs cap the limit.
_MAX_FIELD = 2**31 - 1


def delimiter_for(path: str) -> str:
    return "\t" if path.lower().endswith((".tsv", ".tab")) else ","


@dataclass(frozen=True)
class Record:
    """One csv record: its cells, where it lies in the text (line ending excluded) and its first line."""

    cells: list[str]
    start: int
    end: int
    line: int


def allow_cells_up_to(size: int) -> None:
    """Let the csv module read cells of up to `size` characters (the limit is process-wide)."""
    wanted = min(max(size, 1), _MAX_FIELD, sys.maxsize)
    if csv.field_size_limit() < wanted:
        csv.field_size_limit(wanted)


def csv_records(text: str, delimiter: str, path: str) -> Iterator[Record]:
    """The records of `text` as the csv module reads them; bad quoting is a one-line error."""
    lines = split_lines(text)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    allow_cells_up_to(len(text))
    reader = csv.reader(iter(lines), delimiter=delimiter, quotechar=QUOTE, strict=True)
    consumed = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            line = consumed + 1  # where the bad record starts
            problem = "a quoted cell is not closed" if "unexpected end of data" in str(exc) else str(exc)
            raise InputError(f"bad CSV quoting: {problem}", where=path, line=line,
                             hint='a cell that starts with " must end with "; write a quote inside it as ""') from None
        first, consumed = consumed, reader.line_num
        yield Record(cells, starts[first], starts[consumed - 1] + len(strip_eol(lines[consumed - 1])), first + 1)


def cell_spans(text: str, record: Record, delimiter: str) -> list[tuple[int, int, bool]] | None:
    """(start, end, quoted) of each cell of a record in the text, or None when a cell is not
    spelled the way strict csv quoting writes it (which cannot happen for strict-read records)."""
    spans = []
    position = record.start
    for index, cell in enumerate(record.cells):
        quoted = text.startswith(QUOTE, position)
        spelled = QUOTE + cell.replace(QUOTE, QUOTE * 2) + QUOTE if quoted else cell
        end = position + len(spelled)
        last = index == len(record.cells) - 1
        if not text.startswith(spelled, position) or (end != record.end if last else not text.startswith(delimiter, end)):
            return None
        spans.append((position, end, quoted))
        position = end + len(delimiter)
    return spans


def _quoted_run(text: str, start: int, end: int) -> Run:
    """The content of the quoted cell text[start:end] (quotes included) with its offsets."""
    chars: list[str] = []
    bounds: list[int] = []
    position = start + 1
    while position < end - 1:
        chars.append(text[position])
        bounds.append(position)
        position += 2 if text[position] == QUOTE else 1
    bounds.append(end - 1)
    return Run("".join(chars), tuple(bounds), True, lambda new: new.replace(QUOTE, QUOTE * 2))


@dataclass(frozen=True)
class TableRow:
    located: Located
    cell: tuple[int, int, bool]  # the target cell's (start, end, quoted)


def locate_table(text: str, path: str) -> list[TableRow]:
    """Every data row, with the place of its target cell; header problems are one-line errors."""
    delimiter = delimiter_for(path)
    header: list[str] | None = None
    rows: list[TableRow] = []
    keys: list[object] = []
    given: list[bool] = []
    row_number = 0
    for record in csv_records(text, delimiter, path):
        if header is None:
            header = [cell.strip().lower() for cell in record.cells]
            unknown = [name for name in header if name not in KNOWN_COLUMNS]
            if unknown:
                raise InputError(f"unknown column {unknown[0]!r}", where=path, line=record.line, hint=f"use the columns {', '.join(KNOWN_COLUMNS)}")
            if "target" not in header:
                raise InputError("no 'target' column in the header", where=path, line=record.line, hint="name the translated column 'target'")
            continue
        if not any(cell.strip() for cell in record.cells):
            continue
        row_number += 1
        if len(record.cells) != len(header):
            raise InputError(f"row has {len(record.cells)} cells, header has {len(header)}", where=path, line=record.line, hint="quote cells that contain the delimiter")
        spans = cell_spans(text, record, delimiter)
        if spans is None:
            raise InputError("cannot find the row's cells in the file", where=path, line=record.line, hint="please report this file to the mtcheck developers")
        cells = dict(zip(header, record.cells))
        cell = spans[header.index("target")]
        start, end, quoted = cell
        run = _quoted_run(text, start, end) if quoted else raw_run(cells["target"], start)
        written_id = cells.get("id", "").strip()
        segment_id = written_id or str(row_number)
        keys.append(written_id if written_id else ("row", row_number))
        given.append(bool(written_id))
        located = located_segment(
            text, path, segment_id, [run],
            source=cells.get("source") or None, reference=cells.get("reference") or None, meta={"row": str(row_number)},
        )
        rows.append(TableRow(located, cell))
    if not rows:
        raise InputError("no data rows", where=path, hint="add rows under the header")
    settled = unique_ids([row.located for row in rows], path, keys=keys, given=given)
    return [TableRow(item, row.cell) for item, row in zip(settled, rows)]


def read_table(path: str, encoding: str | None = None) -> list[Segment]:
    text = decode_file(path, encoding).text
    return [row.located.segment for row in locate_table(text, path)]


def _needs_quotes(cell: str, delimiter: str) -> bool:
    return any(char in cell for char in (delimiter, QUOTE, "\r", "\n"))


def quote_cell(cell: str) -> str:
    return QUOTE + cell.replace(QUOTE, QUOTE * 2) + QUOTE


def rewrite_table(text: str, path: str, changes: dict[str, str]) -> str:
    """Rewrite the target cell of changed rows (only the changed words when the cell's
    quoting can stay); every other byte keeps its place and value."""
    delimiter = delimiter_for(path)
    by_id = {row.located.segment.id: row for row in locate_table(text, path)}
    edits: list[FileEdit] = []
    for segment_id, new_target in changes.items():
        row = by_id.get(segment_id)
        if row is None:
            raise InputError(f"row {segment_id!r} not found when writing the fix", where=path, hint="the file changed while mtcheck was fixing it; run the fix again")
        start, end, quoted = row.cell
        if not quoted and _needs_quotes(new_target, delimiter):
            edits.append(FileEdit(start, end, quote_cell(new_target)))
        else:
            edits.extend(splice(row.located.runs, row.located.segment.target, new_target))
    return apply_file_edits(text, edits)
