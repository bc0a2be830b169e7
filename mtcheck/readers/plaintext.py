"""Plain text: one segment per non-empty line, optionally with line-aligned source and reference files."""

from __future__ import annotations

from ..errors import InputError
from ..models import Segment
from .decoding import decode_file, split_lines, strip_eol  # noqa: F401


def read_lines(path: str, encoding: str | None = None, allow_empty: bool = False) -> list[str]:
    return [strip_eol(line) for line in split_lines(decode_file(path, encoding, allow_empty=allow_empty).text)]


def _aligned(path: str | None, role: str, target_path: str, target_lines: list[str], encoding: str | None) -> list[str] | None:
    if path is None:
        return None
    lines = read_lines(path, encoding)
    while lines and not lines[-1].strip():
        lines.pop()
    wanted = list(target_lines)
    while wanted and not wanted[-1].strip():
        wanted.pop()
    if len(lines) != len(wanted):
        raise InputError(
            f"{role} has {len(lines)} lines but {target_path} has {len(wanted)}", where=path,
            hint=f"{role} and target must be line-aligned: line N of one translates line N of the other, or pass --align length (or --align embedding) to sentence-align them",
        )
    return lines


def read_plaintext(path: str, encoding: str | None = None, source: str | None = None, reference: str | None = None) -> list[Segment]:
    lines = read_lines(path, encoding)
    sources = _aligned(source, "source", path, lines, encoding)
    references = _aligned(reference, "reference", path, lines, encoding)
    segments = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        segments.append(Segment(
            id=str(number), target=line, file=path, line=number,
            source=sources[number - 1] if sources else None,
            reference=references[number - 1] if references else None,
        ))
    return segments


def rewrite_plaintext(text: str, changes: dict[str, str]) -> str:
    """Replace the content of changed lines (segment id = line number), keeping every line ending."""
    lines = split_lines(text)
    for segment_id, new_target in changes.items():
        index = int(segment_id) - 1
        line = lines[index]
        ending = line[len(strip_eol(line)):]
        lines[index] = new_target + ending
    return "".join(lines)
