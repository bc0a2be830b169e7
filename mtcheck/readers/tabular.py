"""TSV/CSV with a header: columns `target` (required), `source`, `reference`, `id`.

Records and cells come from the csv module itself (`newline=''` semantics: a record ends
at an unquoted \\r\\n, \\r or \\n; a quoted cell may hold any of them). A quote that is
never closed is a one-line error; see `csv_records` for stray quotes. `fix` rewrites only
the target cell of a changed row (the whole row, written by the csv module, where the
row's quoting is lenient); every other byte stays as it was.

Segment id: the `id` cell, else the row number (the first data row is 1). Two rows with
the same `id` are refused; a row number that is also another row's `id` gets `#2`
appended (see `spans.unique_ids`).
"""

from __future__ import annotations

import csv
import io
import sys
from dataclasses import dataclass, replace

from ..errors import InputError
from ..models import Segment
from ..visible import excerpt
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
    lines: int = 1  # physical lines it spans


def allow_cells_up_to(size: int) -> None:
    """Let the csv module read cells of up to `size` characters (the limit is process-wide)."""
    wanted = min(max(size, 1), _MAX_FIELD, sys.maxsize)
    if csv.field_size_limit() < wanted:
        csv.field_size_limit(wanted)


class _QuotingError(Exception):
    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.line = line


def _parse(lines: list[str], starts: list[int], delimiter: str, strict: bool) -> list[Record]:
    reader = csv.reader(iter(lines), delimiter=delimiter, quotechar=QUOTE, strict=strict)
    records = []
    consumed = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return records
        except csv.Error as exc:
            raise _QuotingError(str(exc), consumed + 1) from None  # the line where the bad record starts
        first, consumed = consumed, reader.line_num
        records.append(Record(cells, starts[first], starts[consumed - 1] + len(strip_eol(lines[consumed - 1])), first + 1, consumed - first))


def csv_records(text: str, delimiter: str, path: str) -> list[Record]:
    """The records of `text` as the csv module reads them. Strict quoting first; where that
    fails, a quote that is never closed is a one-line error, and otherwise the csv module's
    lenient reading (`"a" b` is the cell `a b`) is taken for records on one line only: a
    record with stray quotes over several lines is a quote that swallowed line breaks."""
    lines = split_lines(text)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    allow_cells_up_to(len(text))
    hint = 'a cell that starts with " must end with "; write a quote inside it as ""'
    try:
        return _parse(lines, starts, delimiter, strict=True)
    except _QuotingError as exc:
        if "unexpected end of data" in str(exc):
            raise InputError("bad CSV quoting: a quoted cell is not closed", where=path, line=exc.line, hint=hint) from None
    records = _parse(lines, starts, delimiter, strict=False)
    for record in records:
        if record.lines > 1 and cell_spans(text, record, delimiter) is None:
            raise InputError("bad CSV quoting: text after a closing quote, in a record over several lines", where=path, line=record.line, hint=hint)
    return records


def cell_spans(text: str, record: Record, delimiter: str) -> list[tuple[int, int, bool]] | None:
    """(start, end, quoted) of each cell of a record in the text, or None when a cell is not
    spelled the way strict csv quoting writes it (a lenient `"a" b`)."""
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
    record: Record
    header: tuple[str, ...]
    cell: tuple[int, int, bool] | None  # the target cell's (start, end, quoted); None: lenient quoting


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
                raise InputError(f"unknown column {excerpt(unknown[0])}", where=path, line=record.line, hint=f"use the columns {', '.join(KNOWN_COLUMNS)}")
            if "target" not in header:
                raise InputError("no 'target' column in the header", where=path, line=record.line, hint="name the translated column 'target'")
            continue
        if not any(cell.strip() for cell in record.cells):
            continue
        row_number += 1
        if len(record.cells) != len(header):
            raise InputError(f"row has {len(record.cells)} cells, header has {len(header)}", where=path, line=record.line, hint="quote cells that contain the delimiter")
        cells = dict(zip(header, record.cells))
        spans = cell_spans(text, record, delimiter)
        cell = spans[header.index("target")] if spans is not None else None
        if cell is None:  # a one-line record in lenient quoting: positions point at its start
            run = Run(cells["target"], (record.start,) * (len(cells["target"]) + 1))
        elif cell[2]:
            run = _quoted_run(text, cell[0], cell[1])
        else:
            run = raw_run(cells["target"], cell[0])
        written_id = cells.get("id", "").strip()
        segment_id = written_id or str(row_number)
        keys.append(written_id if written_id else ("row", row_number))
        given.append(bool(written_id))
        located = located_segment(
            text, path, segment_id, [run],
            source=cells.get("source") or None, reference=cells.get("reference") or None, meta={"row": str(row_number)},
        )
        rows.append(TableRow(located, record, tuple(header), cell))
    if not rows:
        raise InputError("no data rows", where=path, hint="add rows under the header")
    settled = unique_ids([row.located for row in rows], path, keys=keys, given=given)
    return [replace(row, located=item) for item, row in zip(settled, rows)]


def read_table(path: str, encoding: str | None = None) -> list[Segment]:
    text = decode_file(path, encoding).text
    return [row.located.segment for row in locate_table(text, path)]


def _needs_quotes(cell: str, delimiter: str) -> bool:
    return any(char in cell for char in (delimiter, QUOTE, "\r", "\n"))


def quote_cell(cell: str) -> str:
    return QUOTE + cell.replace(QUOTE, QUOTE * 2) + QUOTE


def _written_row(row: TableRow, new_target: str, delimiter: str) -> str:
    """The whole record as the csv module writes it, with the new target."""
    cells = list(row.record.cells)
    cells[row.header.index("target")] = new_target
    buffer = io.StringIO()
    # The terminator's characters are what the writer quotes cells for; it is cut off after.
    csv.writer(buffer, delimiter=delimiter, quotechar=QUOTE, lineterminator="\r\n").writerow(cells)
    return buffer.getvalue()[:-2]


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
        if row.cell is None:
            edits.append(FileEdit(row.record.start, row.record.end, _written_row(row, new_target, delimiter)))
        elif not row.cell[2] and _needs_quotes(new_target, delimiter):
            edits.append(FileEdit(row.cell[0], row.cell[1], quote_cell(new_target)))
        else:
            edits.extend(splice(row.located.runs, row.located.segment.target, new_target))
    return apply_file_edits(text, edits)
