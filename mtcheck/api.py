"""Library entry points: check text, a file or prepared segments."""

from __future__ import annotations

from typing import Sequence

from .engine import run_checks
from .models import RunResult, Segment
from .options import CheckOptions
from .readers import read_segments


def check_segments(segments: Sequence[Segment], options: CheckOptions | None = None) -> RunResult:
    return run_checks(list(segments), options or CheckOptions())


def check_text(text: str, options: CheckOptions | None = None, *, source: str | None = None, reference: str | None = None, name: str = "<text>") -> RunResult:
    """Check a string: one segment per non-empty line (source/reference lines aligned with it)."""
    lines = text.split("\n")
    sources = source.split("\n") if source is not None else None
    references = reference.split("\n") if reference is not None else None
    segments = [
        Segment(
            id=str(number), target=line.rstrip("\r"), file=name, line=number,
            source=sources[number - 1] if sources and number <= len(sources) else None,
            reference=references[number - 1] if references and number <= len(references) else None,
        )
        for number, line in enumerate(lines, start=1)
        if line.strip()
    ]
    return check_segments(segments, options)


def check_file(path: str, options: CheckOptions | None = None, *, encoding: str | None = None, source: str | None = None, reference: str | None = None) -> RunResult:
    return check_segments(read_segments(path, encoding=encoding, source=source, reference=reference), options)
