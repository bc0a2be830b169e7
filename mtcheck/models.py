"""Plain data types that flow through mtcheck: segments in, findings out.

Everything here is a frozen dataclass (or an enum) with no behaviour beyond small
derived properties, so findings can be compared, hashed, serialised and sent
between processes.
"""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter
from typing import Mapping

from .visible import excerpt


class Severity(str, enum.Enum):
    """How bad a finding is. Ordered: info < warning < error."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]

    @classmethod
    def parse(cls, value: "str | Severity") -> "Severity":
        if isinstance(value, Severity):
            return value
        try:
            return cls(str(value).strip().lower())
        except ValueError:
            raise ValueError(
                f"unknown severity {excerpt(str(value))}: use one of error, warning, info"
            ) from None


_SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


class Applicability(str, enum.Enum):
    """Whether `mtcheck fix` may apply a fix by default (safe) or only with --unsafe-fixes."""

    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True, slots=True)
class Segment:
    """One unit of translated text.

    `target` is the text checked; `source` and `reference` are the aligned Chinese
    source and human reference when the user has them. `line` is the 1-based line of
    the target in its file (None for formats without lines), `column_offset` the
    0-based column at which `target` starts on that line (non-zero for formats that
    embed the text inside markup).
    """

    id: str
    target: str
    file: str = "<text>"
    line: int | None = None
    source: str | None = None
    reference: str | None = None
    column_offset: int = 0
    meta: Mapping[str, str] = field(default_factory=dict)
    # Translation-file readers: (target offset, line, 0-based column) wherever the target
    # stops running in step with the file (escapes, inline markup, line breaks), so that
    # positions stay exact; empty for plain text.
    anchors: tuple[tuple[int, int, int], ...] = ()


@dataclass(frozen=True, order=True, slots=True)  # slots: a run can hold 200k of them
class Edit:
    """Replace target[start:end] with `replacement`."""

    start: int
    end: int
    replacement: str


@dataclass(frozen=True, slots=True)
class Fix:
    edits: tuple[Edit, ...]
    applicability: Applicability = Applicability.SAFE
    title: str = ""

    @property
    def replacement(self) -> str:
        """The replacement text of a single-edit fix (the JSON contract's `fix.replacement`)."""
        return self.edits[0].replacement if len(self.edits) == 1 else ""


@dataclass(frozen=True, slots=True)
class Finding:
    """One flagged span of one segment's target text.

    `start`/`end` are Python string offsets into the segment's target, so that
    `segment.target[start:end] == text`.
    """

    rule: str
    category: str
    severity: Severity
    message: str
    segment: str
    file: str
    line: int | None
    column: int | None
    start: int
    end: int
    text: str
    suggestions: tuple[str, ...] = ()
    confidence: float = 1.0
    fix: Fix | None = None
    evidence: tuple[str, ...] = ()
    name: str = ""

    @property
    def sort_key(self) -> tuple:
        return (self.file, self.line or 0, segment_order(self.segment), self.start, self.end, self.rule)

    @property
    def segment_order(self) -> tuple:
        return segment_order(self.segment)


@lru_cache(maxsize=1 << 16)
def segment_order(segment_id: str) -> tuple:
    """Numeric ids in numeric order ("2" before "10"), then the others by name."""
    return (len(segment_id), segment_id) if segment_id.isdigit() else (0, segment_id)


@dataclass(frozen=True)
class GlossaryEntry:
    """One row of a glossary (see docs/glossary-format.md)."""

    approved: tuple[str, ...]
    wrong: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    variants: tuple[str, ...] = ()
    case_sensitive: bool = False
    whole_word: bool = True
    severity: Severity = Severity.ERROR
    autofix: str = "safe"  # safe | unsafe | no
    intended_sense: tuple[str, ...] = ()
    literal_sense: tuple[str, ...] = ()
    domain: str = ""
    note: str = ""
    origin: str = ""  # "file:line" the entry came from

    @property
    def preferred(self) -> str:
        return self.approved[0]

    @property
    def ambiguous(self) -> bool:
        """A wrong rendering is also ordinary English: hits need the sense gate."""
        return bool(self.literal_sense)


@dataclass(frozen=True, slots=True)
class SegmentScore:
    segment: str
    score: float  # 0..100, 100 = no penalties
    penalty: float
    words: int


@dataclass(frozen=True)
class RunResult:
    """What a check run produced: the segments seen, the findings, and how."""

    segments: tuple[Segment, ...]
    findings: tuple[Finding, ...]
    signature: str
    scores: tuple[SegmentScore, ...] = ()
    overall_score: float = 100.0
    timings: Mapping[str, float] = field(default_factory=dict)
    extras: Mapping[str, object] = field(default_factory=dict)

    def count_by(self, attr: str) -> dict[str, int]:
        # Each distinct value counted first (in C), then keyed by its text.
        counts: dict[str, int] = {}
        for key, count in Counter(map(attrgetter(attr), self.findings)).items():
            key = key.value if isinstance(key, enum.Enum) else str(key)
            counts[key] = counts.get(key, 0) + count
        return dict(sorted(counts.items()))
