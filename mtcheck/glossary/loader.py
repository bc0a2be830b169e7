"""Read glossary files (CSV/TSV, see docs/glossary-format.md) into GlossaryEntry rows.

`read_glossary_rows` parses and reports every problem with its file:line; `load_glossary`
raises a GlossaryError on the first problem; `lint_glossary` adds the data-hygiene rules
the bundled glossaries obey (sorted, no duplicates, no approved rendering listed as wrong).
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from ..errors import GlossaryError
from ..models import GlossaryEntry, Severity
from ..textutil import normalize

COLUMNS = (
    "source",
    "approved",
    "wrong",
    "variants",
    "case_sensitive",
    "whole_word",
    "severity",
    "autofix",
    "intended_sense",
    "literal_sense",
    "domain",
    "note",
)
DOMAINS = {
    "company", "brand", "product", "institution", "meeting", "policy", "business",
    "technology", "person", "place", "media", "other",
}
AUTOFIX_VALUES = {"safe", "unsafe", "no"}
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0", ""}


@dataclass(frozen=True)
class GlossaryProblem:
    path: str
    line: int
    message: str
    level: str = "error"  # error | style

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Glossary:
    """Entries from one or more files, with a content hash for signatures and caches."""

    entries: tuple[GlossaryEntry, ...]
    digest: str
    names: tuple[str, ...] = ()
    sources: tuple[str, ...] = field(default=(), compare=False)

    def __len__(self) -> int:
        return len(self.entries)


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split("|") if part.strip())


def _flag(value: str, column: str, path: str, line: int, default: bool) -> bool:
    value = value.strip().lower()
    if value == "":
        return default
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise GlossaryError(f"column {column!r} must be yes or no, got {value!r}", where=path, line=line)


def _dialect_for(path: str, text: str) -> str:
    if path.endswith(".tsv"):
        return "\t"
    if path.endswith(".csv"):
        return ","
    first = next((line for line in text.splitlines() if line.strip() and not line.startswith("#")), "")
    return "\t" if first.count("\t") > first.count(",") else ","


def read_text(path: str | Path) -> str:
    path = Path(path)
    if not path.exists():
        raise GlossaryError("glossary file not found", where=str(path), hint="check the --glossary path")
    if path.is_dir():
        raise GlossaryError("is a directory, not a glossary file", where=str(path), hint="name a .csv or .tsv file")
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise GlossaryError("binary file, not a CSV/TSV glossary", where=str(path))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise GlossaryError("glossary is not valid UTF-8", where=str(path), line=line, hint="save it as UTF-8") from None


def read_glossary_rows(path: str | Path, text: str | None = None) -> tuple[list[GlossaryEntry], list[GlossaryProblem]]:
    """Parse every row, collecting problems instead of stopping at the first."""
    path_str = str(path)
    if text is None:
        text = read_text(path)
    delimiter = _dialect_for(path_str, text)
    lines = io.StringIO(text)
    # Drop comment lines but keep line numbers by blanking them.
    cleaned = "".join("\n" if raw.lstrip().startswith("#") else raw for raw in lines)
    reader = csv.reader(io.StringIO(cleaned), delimiter=delimiter)
    entries: list[GlossaryEntry] = []
    problems: list[GlossaryProblem] = []
    header: list[str] | None = None
    header_line = 0
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = [cell.strip().lower() for cell in row]
            header_line = line
            unknown = [name for name in header if name not in COLUMNS]
            if unknown:
                problems.append(GlossaryProblem(path_str, line, f"unknown column {unknown[0]!r}; known columns: {', '.join(COLUMNS)}"))
                return entries, problems
            if "approved" not in header:
                problems.append(GlossaryProblem(path_str, line, "header has no 'approved' column"))
                return entries, problems
            continue
        if len(row) > len(header):
            problems.append(GlossaryProblem(path_str, line, f"row has {len(row)} cells but the header has {len(header)} (quote cells that contain {delimiter!r})"))
            continue
        cells = dict(zip(header, row))
        try:
            entries.append(_entry_from_cells(cells, path_str, line))
        except GlossaryError as exc:
            problems.append(GlossaryProblem(path_str, line, exc.what))
    if header is None:
        problems.append(GlossaryProblem(path_str, max(header_line, 1), "empty glossary: no header row"))
    return entries, problems


def _entry_from_cells(cells: dict[str, str], path: str, line: int) -> GlossaryEntry:
    approved = _split(cells.get("approved", ""))
    if not approved:
        raise GlossaryError("empty 'approved' cell: every entry needs an approved rendering", where=path, line=line)
    severity_cell = cells.get("severity", "").strip() or "error"
    try:
        severity = Severity.parse(severity_cell)
    except ValueError as exc:
        raise GlossaryError(str(exc), where=path, line=line) from None
    autofix = cells.get("autofix", "").strip().lower() or "safe"
    if autofix not in AUTOFIX_VALUES:
        raise GlossaryError(f"column 'autofix' must be safe, unsafe or no, got {autofix!r}", where=path, line=line)
    domain = cells.get("domain", "").strip().lower()
    if domain and domain not in DOMAINS:
        raise GlossaryError(f"unknown domain {domain!r}; use one of {', '.join(sorted(DOMAINS))}", where=path, line=line)
    entry = GlossaryEntry(
        approved=approved,
        wrong=_split(cells.get("wrong", "")),
        source=_split(cells.get("source", "")),
        variants=_split(cells.get("variants", "")),
        case_sensitive=_flag(cells.get("case_sensitive", ""), "case_sensitive", path, line, False),
        whole_word=_flag(cells.get("whole_word", ""), "whole_word", path, line, True),
        severity=severity,
        autofix=autofix,
        intended_sense=_split(cells.get("intended_sense", "")),
        literal_sense=_split(cells.get("literal_sense", "")),
        domain=domain,
        note=cells.get("note", "").strip(),
        origin=f"{path}:{line}",
    )
    if entry.literal_sense and not entry.intended_sense:
        raise GlossaryError("'literal_sense' is set but 'intended_sense' is empty: the sense gate needs both", where=path, line=line)
    for rendering in entry.wrong:
        if _key(rendering, entry.case_sensitive) in {_key(a, entry.case_sensitive) for a in entry.approved + entry.variants}:
            raise GlossaryError(f"{rendering!r} is listed both as approved and as wrong", where=path, line=line)
    return entry


def _key(text: str, case_sensitive: bool) -> str:
    return " ".join(normalize(text, case_sensitive).split())


def _line_of(entry: GlossaryEntry) -> tuple[str, int]:
    path, _, line = entry.origin.rpartition(":")
    return path, int(line) if line.isdigit() else 0


def lint_glossary(entries: Sequence[GlossaryEntry], check_sorted: bool = True) -> list[GlossaryProblem]:
    """Data-hygiene rules across a set of entries (one file or all bundled files)."""
    problems: list[GlossaryProblem] = []
    seen_wrong: dict[str, GlossaryEntry] = {}
    seen_rows: dict[tuple, GlossaryEntry] = {}
    accepted: dict[str, GlossaryEntry] = {}
    for entry in entries:
        for rendering in entry.approved + entry.variants:
            accepted.setdefault(_key(rendering, False), entry)
    for entry in entries:
        path, line = _line_of(entry)
        # A term may have two rows: its sense-gated renderings and its unconditional ones.
        row_key = (_key(entry.preferred, False), entry.source, entry.ambiguous)
        if row_key in seen_rows:
            problems.append(GlossaryProblem(path, line, f"duplicate entry for {entry.preferred!r} (first at {seen_rows[row_key].origin})"))
        seen_rows.setdefault(row_key, entry)
        for rendering in entry.wrong:
            key = _key(rendering, False)
            if key in seen_wrong and seen_wrong[key] is not entry:
                other = seen_wrong[key]
                if not (entry.case_sensitive or other.case_sensitive) or _key(rendering, True) in {_key(w, True) for w in other.wrong}:
                    problems.append(GlossaryProblem(path, line, f"wrong rendering {rendering!r} also listed at {other.origin}"))
            seen_wrong.setdefault(key, entry)
            owner = accepted.get(key)
            if owner is not None and owner is not entry:
                exact_clash = _key(rendering, True) in {_key(a, True) for a in owner.approved + owner.variants}
                if not (entry.case_sensitive or owner.case_sensitive) or exact_clash:
                    problems.append(GlossaryProblem(path, line, f"wrong rendering {rendering!r} is approved at {owner.origin}"))
    if check_sorted:
        by_file: dict[str, list[GlossaryEntry]] = {}
        for entry in entries:
            by_file.setdefault(_line_of(entry)[0], []).append(entry)
        for file_entries in by_file.values():
            for previous, current in zip(file_entries, file_entries[1:]):
                if sort_key(current) < sort_key(previous):
                    path, line = _line_of(current)
                    problems.append(GlossaryProblem(path, line, f"not sorted: {current.preferred!r} should come before {previous.preferred!r}", level="style"))
                    break
    return problems


def sort_key(entry: GlossaryEntry) -> tuple[str, str]:
    return (entry.preferred.casefold(), "|".join(entry.source))


def load_glossary(path: str | Path) -> Glossary:
    text = read_text(path)
    entries, problems = read_glossary_rows(path, text)
    if problems:
        first = problems[0]
        raise GlossaryError(first.message, where=first.path, line=first.line, hint="run `mtcheck glossary validate` for all problems")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    return Glossary(tuple(entries), digest, (Path(path).name,), (str(path),))


def merge_glossaries(glossaries: Iterable[Glossary]) -> Glossary:
    glossaries = list(glossaries)
    entries = tuple(entry for glossary in glossaries for entry in glossary.entries)
    digest = hashlib.sha256("+".join(g.digest for g in glossaries).encode()).hexdigest()[:16]
    names = tuple(name for glossary in glossaries for name in glossary.names)
    sources = tuple(src for glossary in glossaries for src in glossary.sources)
    return Glossary(entries, digest, names, sources)


def default_glossary_dir() -> Path:
    """The bundled glossaries: mtcheck/_data/glossaries in an install, data/glossaries in a checkout."""
    from .. import _data_dir

    return _data_dir() / "glossaries"


def default_glossary_paths() -> list[Path]:
    folder = default_glossary_dir()
    return sorted(p for p in folder.glob("*") if p.suffix in {".csv", ".tsv"})


def load_glossaries(paths: Sequence[str | Path] = (), include_default: bool = True) -> Glossary:
    """The default glossaries (unless excluded) plus the user's, merged in that order."""
    all_paths: list[str | Path] = list(default_glossary_paths()) if include_default else []
    all_paths.extend(paths)
    return merge_glossaries(load_glossary_any(path) for path in all_paths)


def load_glossary_any(path: str | Path) -> Glossary:
    """Load a glossary by file type (CSV/TSV here; TBX when the reader is available)."""
    suffix = Path(path).suffix.lower()
    if suffix == ".tbx":
        from .tbx import load_tbx

        return load_tbx(path)
    return load_glossary(path)
