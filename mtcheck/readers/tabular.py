"""TSV/CSV with a header: columns `target` (required), `source`, `reference`, `id`."""

from __future__ import annotations

import csv
import io

from ..errors import InputError
from ..models import Segment
from ..visible import excerpt
from .decoding import decode_file

KNOWN_COLUMNS = ("id", "source", "target", "reference")


def delimiter_for(path: str) -> str:
    return "\t" if path.lower().endswith((".tsv", ".tab")) else ","


def read_table(path: str, encoding: str | None = None) -> list[Segment]:
    text = decode_file(path, encoding).text
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter_for(path))
    header: list[str] | None = None
    segments: list[Segment] = []
    row_number = 0
    line_start = 1
    for row in reader:
        line = line_start
        line_start = reader.line_num + 1
        if header is None:
            header = [cell.strip().lower() for cell in row]
            unknown = [name for name in header if name not in KNOWN_COLUMNS]
            if unknown:
                raise InputError(f"unknown column {excerpt(unknown[0])}", where=path, line=line, hint=f"use the columns {', '.join(KNOWN_COLUMNS)}")
            if "target" not in header:
                raise InputError("no 'target' column in the header", where=path, line=line, hint="name the translated column 'target'")
            continue
        if not any(cell.strip() for cell in row):
            continue
        row_number += 1
        if len(row) != len(header):
            raise InputError(f"row has {len(row)} cells, header has {len(header)}", where=path, line=line, hint="quote cells that contain the delimiter")
        cells = dict(zip(header, row))
        segment_id = cells.get("id", "").strip() or str(row_number)
        segments.append(Segment(
            id=segment_id, target=cells["target"], file=path, line=line,
            source=cells.get("source") or None, reference=cells.get("reference") or None,
            meta={"row": str(row_number)},
        ))
    if not segments:
        raise InputError("no data rows", where=path, hint="add rows under the header")
    return segments


def rewrite_table(text: str, path: str, changes: dict[str, str]) -> str:
    """Rewrite the target cell of changed rows; unchanged rows keep their exact bytes."""
    delimiter = delimiter_for(path)
    physical = text.split("\n")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    row_number = 0
    line_start = 1
    replacements: dict[int, tuple[int, str]] = {}  # first line index -> (last line index, new text)
    for row in reader:
        first, last = line_start, reader.line_num
        line_start = reader.line_num + 1
        if header is None:
            header = [cell.strip().lower() for cell in row]
            continue
        if not any(cell.strip() for cell in row):
            continue
        row_number += 1
        cells = dict(zip(header, row))
        segment_id = cells.get("id", "").strip() or str(row_number)
        if segment_id not in changes:
            continue
        row = list(row)
        row[header.index("target")] = changes[segment_id]
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=delimiter, lineterminator="").writerow(row)
        ending = "\r" if physical[last - 1].endswith("\r") else ""
        replacements[first - 1] = (last - 1, buffer.getvalue() + ending)
    out: list[str] = []
    index = 0
    while index < len(physical):
        if index in replacements:
            last, new = replacements[index]
            out.append(new)
            index = last + 1
        else:
            out.append(physical[index])
            index += 1
    return "\n".join(out)
