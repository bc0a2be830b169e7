"""What checks get to see: the glossary, its matcher, the options, the sense gate and
the document a segment belongs to. Built once per run by the engine."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from functools import cached_property
from typing import Callable, Sequence

from .glossary.loader import Glossary
from .glossary.matcher import GlossaryMatcher, Hit
from .models import Finding, Fix, GlossaryEntry, Segment, Severity
from .options import CheckOptions
from .registry import get_rule


@dataclass
class RunContext:
    glossary: Glossary
    options: CheckOptions
    enabled: set[str]
    gate_factory: Callable[[], object] | None = None
    timings: dict[str, float] = field(default_factory=dict)

    @cached_property
    def matcher(self) -> GlossaryMatcher:
        from .glossary.cache import cached_matcher

        return cached_matcher(self.glossary)

    @cached_property
    def gate(self):
        """The sense gate (embedding-based when enabled, else lexical), built on first use."""
        if self.gate_factory is None:
            from .senses import LexicalSenseGate

            return LexicalSenseGate()
        return self.gate_factory()

    def wants(self, code: str) -> bool:
        return code in self.enabled


@dataclass
class Document:
    """The segments of one input file, with glossary hits computed once and shared."""

    segments: Sequence[Segment]
    run: RunContext

    @cached_property
    def hits(self) -> dict[str, list[Hit]]:
        return {segment.id: self.run.matcher.find(segment.target) for segment in self.segments}

    def entry(self, hit: Hit):
        return self.run.matcher.entries[hit.entry]

    @cached_property
    def approved_counts(self) -> dict[int, int]:
        """How often each entry's approved rendering occurs (correctly cased) in the document."""
        counts: dict[int, int] = {}
        for segment in self.segments:
            for hit in self.hits[segment.id]:
                if hit.kind == "approved":
                    counts[hit.entry] = counts.get(hit.entry, 0) + 1
        return counts

    @cached_property
    def unambiguous_errors(self) -> int:
        """Distinct entries whose wrong rendering occurs in the document and is no ordinary
        English ("Hongmi", "two-dimensional code"): evidence that the text is literal MT."""
        entries = self.run.matcher.entries
        return len({hit.entry for segment in self.segments for hit in self.hits[segment.id]
                    if hit.kind == "wrong" and not entries[hit.entry].ambiguous})


def _origin_name(origin: str) -> str:
    """The file name of an origin "PATH:ROW" with its row ("companies.csv:12"). Origins are
    distinct per entry, so only the path part is parsed (and cached): a generated glossary
    has thousands of rows in one file."""
    path, colon, row = origin.rpartition(":")
    name = _file_name(path) if colon and row.isdigit() else ""
    if not name or not path.endswith(name):  # no row, or a last part pathlib rewrites ("dir/.")
        return Path(origin).name
    return f"{name}:{row}"


@lru_cache(maxsize=256)
def _file_name(path: str) -> str:
    return Path(path).name


def glossary_evidence(entry: GlossaryEntry, with_note: bool = False) -> tuple[str, ...]:
    """Evidence naming the glossary row ("glossary companies.csv:12", not the full path:
    parsing paths is slow and runs per finding, hence the cache) and optionally its note."""
    label = (f"glossary {_origin_name(entry.origin)}",)
    return label + ((f"note: {entry.note}",) if with_note and entry.note else ())


def make_finding(
    code: str,
    segment: Segment,
    start: int,
    end: int,
    message: str,
    *,
    suggestions: Sequence[str] = (),
    fix: Fix | None = None,
    confidence: float = 1.0,
    evidence: Sequence[str] = (),
    severity: Severity | None = None,
    options: CheckOptions | None = None,
) -> Finding:
    """Build a Finding for `code` at target[start:end], filling rule metadata and positions."""
    rule = get_rule(code)
    severity = severity or rule.severity
    if options is not None:
        severity = options.severity_for(code, severity)
    line, column = position(segment, start)
    # Positional arguments in field order: keyword arguments cost a third more per call.
    return Finding(
        code, rule.category, severity, message, segment.id, segment.file, line, column, start, end,
        segment.target[start:end], tuple(suggestions), round(float(confidence), 3), fix, tuple(evidence), rule.name,
    )


def position(segment: Segment, offset: int) -> tuple[int | None, int | None]:
    """1-based (line, column) in the file of a target offset."""
    if segment.line is None:
        return None, offset + 1
    if segment.anchors:
        anchor_offset, line, column = segment.anchors[bisect.bisect_right(segment.anchors, (offset, float("inf"), 0)) - 1]
        return line, column + offset - anchor_offset + 1
    breaks = line_breaks(segment.target)
    newlines = bisect.bisect_left(breaks, offset) if breaks else 0
    if newlines:
        return segment.line + newlines, offset - breaks[newlines - 1]
    return segment.line, segment.column_offset + offset + 1


def line_breaks(text: str) -> tuple[int, ...]:
    """Offsets of the newlines in `text`, found once per text: every finding of a segment
    asks for its position, and slicing the text for each would cost findings x length.
    The findings of a segment come one after another, so the last text's answer is kept,
    recognised by identity (an equal copy of a long text would cost a comparison)."""
    last_text, last_breaks = _LAST_BREAKS[0]
    if text is last_text:
        return last_breaks
    breaks = tuple(match.start() for match in _NEWLINE.finditer(text)) if "\n" in text else ()
    _LAST_BREAKS[0] = (text, breaks)
    return breaks


_NEWLINE = re.compile("\n")
_LAST_BREAKS: list[tuple[str | None, tuple[int, ...]]] = [(None, ())]
