"""The reporter interface and the data every report can draw on."""

from __future__ import annotations

from typing import Iterable

from dataclasses import dataclass, field
from typing import Mapping

from .. import __version__
from ..models import Finding, RunResult


@dataclass(frozen=True)
class ReportContext:
    """Extra inputs for reports: the corrected text of each segment (all suggested fixes
    applied), keyed by (file, segment id), and a title."""

    corrected: Mapping[tuple[str, str], str] = field(default_factory=dict)
    title: str = "mtcheck correction report"
    version: str = __version__


class Reporter:
    name = "base"
    extension = "txt"

    def render(self, result: RunResult, context: ReportContext) -> str:  # pragma: no cover - interface
        raise NotImplementedError

    def chunks(self, result: RunResult, context: ReportContext) -> Iterable[str]:
        """The report as consecutive pieces of text, for writing without holding it whole;
        "".join(chunks) == render. Reporters whose reports can be large override it."""
        yield self.render(result, context)


def findings_by_segment(result: RunResult) -> dict[tuple[str, str], list[Finding]]:
    grouped: dict[tuple[str, str], list[Finding]] = {}
    for finding in result.findings:
        grouped.setdefault((finding.file, finding.segment), []).append(finding)
    return grouped


def highlight_spans(text: str, findings: list[Finding]) -> list[tuple[str, Finding | None]]:
    """Split `text` into pieces, each either plain (None) or covered by one finding.
    Overlapping findings: the earlier-starting one wins the overlap."""
    pieces: list[tuple[str, Finding | None]] = []
    position = 0
    for finding in sorted(findings, key=lambda f: (f.start, -f.end)):
        if finding.start < position:
            continue
        if finding.start > position:
            pieces.append((text[position:finding.start], None))
        pieces.append((text[finding.start:finding.end], finding))
        position = finding.end
    if position < len(text):
        pieces.append((text[position:], None))
    return pieces


def severity_counts(result: RunResult) -> dict[str, int]:
    counts = {"error": 0, "warning": 0, "info": 0}
    counts.update(result.count_by("severity"))
    return counts
