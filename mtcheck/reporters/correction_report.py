"""The correction report as plain data: what the Markdown and HTML reports show.

`build_correction_report` turns a RunResult (and the corrected text in a ReportContext)
into frozen dataclasses: summary counts, a table by rule, each flagged segment cut into
plain and highlighted pieces with its numbered findings, and the corrected text cut into
unchanged text and the replacements each fix made. The renderers only lay this out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from ..fixer import apply_edits
from ..models import Applicability, Edit, Finding, RunResult, Segment, SegmentScore, Severity
from .base import ReportContext, highlight_spans, severity_counts

# Fix states of a finding, as the reports name them.
SAFE, UNSAFE, NO_FIX, OVERLAPS = "safe", "unsafe", "none", "overlaps"
FIX_LABELS = {
    SAFE: "safe fix",
    UNSAFE: "unsafe fix: check it",
    NO_FIX: "no automatic fix",
    OVERLAPS: "fix overlaps another; not applied",
}
GOOD_SCORE, FAIR_SCORE = 90.0, 70.0
WORST_SEGMENTS = 5
SEVERITY_ORDER = {severity.value: severity.rank for severity in Severity}


@dataclass(frozen=True)
class NumberedFinding:
    """A finding with its number in the report (1-based, unique across the report)."""

    number: int
    finding: Finding
    fix_state: str  # SAFE | UNSAFE | NO_FIX | OVERLAPS

    @property
    def fix_label(self) -> str:
        return FIX_LABELS[self.fix_state]


@dataclass(frozen=True)
class Piece:
    """A run of segment text: plain (note None) or flagged by one numbered finding."""

    text: str
    note: NumberedFinding | None = None


@dataclass(frozen=True)
class Change:
    """A run of corrected text: unchanged (note None) or the replacement a fix made."""

    text: str
    note: NumberedFinding | None = None
    original: str = ""

    @property
    def unsafe(self) -> bool:
        return self.note is not None and self.note.fix_state == UNSAFE


@dataclass(frozen=True)
class SegmentView:
    number: int  # position of the segment in the run, 1-based (for anchors)
    segment: Segment
    label: str  # "line 3", "segment a7 (line 4)"
    score: SegmentScore | None
    findings: tuple[NumberedFinding, ...]
    pieces: tuple[Piece, ...]
    corrected: str
    changes: tuple[Change, ...]

    @property
    def changed(self) -> bool:
        return self.corrected != self.segment.target

    @property
    def band(self) -> str:
        return score_band(self.score.score if self.score else 100.0)


@dataclass(frozen=True)
class RuleRow:
    code: str
    name: str
    category: str
    severities: str  # "2 error, 1 warning"
    count: int
    fixable: int  # findings of this rule that carry a fix
    summary: str


@dataclass(frozen=True)
class FileSummary:
    """One input file: its flagged segments, and the segments without findings summarised."""

    name: str
    segments: int
    flagged: tuple[SegmentView, ...]
    clean_labels: str  # "lines 2-4, 7" (compact)
    clean_count: int


@dataclass(frozen=True)
class CorrectionReport:
    title: str
    version: str
    signature: str
    segments: int
    findings: int
    overall_score: float
    by_severity: dict[str, int]
    by_category: dict[str, int]
    rules: tuple[RuleRow, ...]
    fix_counts: dict[str, int]  # fix state -> findings
    files: tuple[FileSummary, ...]
    worst: tuple[SegmentView, ...]  # lowest-scoring flagged segments, worst first
    metrics: tuple[str, ...] = ()  # reference metrics (BLEU/chrF/TER before -> after fixes), when any

    @property
    def flagged(self) -> tuple[SegmentView, ...]:
        return tuple(view for summary in self.files for view in summary.flagged)

    @property
    def changed(self) -> tuple[SegmentView, ...]:
        return tuple(view for view in self.flagged if view.changed)

    @property
    def band(self) -> str:
        return score_band(self.overall_score)


def score_band(score: float) -> str:
    """good (>= 90), fair (>= 70) or poor: the colour of a score."""
    return "good" if score >= GOOD_SCORE else "fair" if score >= FAIR_SCORE else "poor"


def segment_label(segment: Segment) -> str:
    if segment.line is not None and segment.id == str(segment.line):
        return f"line {segment.line}"
    where = f" (line {segment.line})" if segment.line is not None else ""
    return f"segment {segment.id}{where}"


def compact_labels(segments: Sequence[Segment]) -> str:
    """Plain-text segments as line ranges ("lines 1-3, 7"), other ids listed ("segments a, b")."""
    if not segments:
        return ""
    if all(s.line is not None and s.id == str(s.line) for s in segments):
        numbers = sorted(s.line for s in segments)
        ranges: list[list[int]] = []
        for n in numbers:
            if ranges and n == ranges[-1][1] + 1:
                ranges[-1][1] = n
            else:
                ranges.append([n, n])
        text = ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in ranges)
        return f"line {text}" if len(numbers) == 1 else f"lines {text}"
    ids = ", ".join(s.id for s in segments)
    return f"segment {ids}" if len(segments) == 1 else f"segments {ids}"


def _fix_state(finding: Finding) -> str:
    if finding.fix is None or not finding.fix.edits:
        return NO_FIX
    return SAFE if finding.fix.applicability is Applicability.SAFE else UNSAFE


def _changes(target: str, notes: Sequence[NumberedFinding]) -> tuple[tuple[Change, ...], set[int]]:
    """The corrected text as unchanged runs and replacements, and the numbers of the
    findings whose edits were skipped because they overlap an earlier edit."""
    owner: dict[Edit, NumberedFinding] = {}
    for note in notes:
        if note.fix_state in (SAFE, UNSAFE):
            for edit in note.finding.fix.edits:
                owner.setdefault(edit, note)
    outcome = apply_edits(target, owner)
    changes: list[Change] = []
    position = 0
    for edit in outcome.applied:
        if edit.start > position:
            changes.append(Change(target[position:edit.start]))
        changes.append(Change(edit.replacement, owner[edit], target[edit.start:edit.end]))
        position = edit.end
    if position < len(target):
        changes.append(Change(target[position:]))
    applied_by = {owner[edit].number for edit in outcome.applied}
    skipped = {owner[edit].number for edit in outcome.skipped} - applied_by
    return tuple(changes), skipped


def _segment_view(number: int, segment: Segment, score: SegmentScore | None, notes: list[NumberedFinding], context: ReportContext) -> SegmentView:
    changes, skipped = _changes(segment.target, notes)
    notes = [NumberedFinding(n.number, n.finding, OVERLAPS) if n.number in skipped else n for n in notes]
    by_finding = {id(n.finding): n for n in notes}
    pieces = tuple(Piece(text, by_finding[id(f)] if f is not None else None) for text, f in highlight_spans(segment.target, [n.finding for n in notes]))
    computed = "".join(change.text for change in changes)
    corrected = context.corrected.get((segment.file, segment.id), computed)
    if corrected != computed:
        # The caller corrected the text differently: show its text, without marks.
        changes = (Change(corrected),)
    return SegmentView(number, segment, segment_label(segment), score, tuple(notes), pieces, corrected, changes)


def _scores_by_segment(result: RunResult) -> list[SegmentScore | None]:
    if len(result.scores) == len(result.segments):
        return list(result.scores)
    by_id = {score.segment: score for score in result.scores}
    return [by_id.get(segment.id) for segment in result.segments]


def _rule_rows(findings: Sequence[Finding]) -> tuple[RuleRow, ...]:
    from ..registry import RULES

    by_rule: dict[str, list[Finding]] = {}
    for finding in findings:
        by_rule.setdefault(finding.rule, []).append(finding)
    rows = []
    for code in sorted(by_rule):
        group = by_rule[code]
        rule = RULES.get(code)
        severities = _count([f.severity.value for f in group])
        rows.append(RuleRow(
            code, group[0].name or (rule.name if rule else ""), group[0].category,
            ", ".join(f"{n} {severity}" for severity, n in sorted(severities.items(), key=lambda item: -SEVERITY_ORDER[item[0]])),
            len(group), sum(f.fix is not None for f in group), rule.summary if rule else "",
        ))
    return tuple(rows)


def _count(values: Sequence[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return dict(sorted(counts.items()))


def _metrics_lines(result: RunResult) -> tuple[str, ...]:
    metrics = result.extras.get("metrics") if result.extras else None
    if not metrics:
        return ()
    from ..metrics import summary_lines

    return tuple(summary_lines(metrics))


def build_correction_report(result: RunResult, context: ReportContext) -> CorrectionReport:
    grouped: dict[tuple[str, str], list[Finding]] = {}
    for finding in result.findings:
        grouped.setdefault((finding.file, finding.segment), []).append(finding)
    number = 0
    views_by_file: dict[str, list[SegmentView]] = {}
    clean_by_file: dict[str, list[Segment]] = {}
    count_by_file: dict[str, int] = {}
    for position, (segment, score) in enumerate(zip(result.segments, _scores_by_segment(result)), start=1):
        count_by_file[segment.file] = count_by_file.get(segment.file, 0) + 1
        findings = sorted(grouped.get((segment.file, segment.id), ()), key=lambda f: (f.start, f.end, f.rule))
        if not findings:
            clean_by_file.setdefault(segment.file, []).append(segment)
            continue
        notes = []
        for finding in findings:
            number += 1
            notes.append(NumberedFinding(number, finding, _fix_state(finding)))
        views_by_file.setdefault(segment.file, []).append(_segment_view(position, segment, score, notes, context))
    files = tuple(
        FileSummary(
            name, count_by_file[name], tuple(views_by_file.get(name, ())),
            compact_labels(clean_by_file.get(name, ())), len(clean_by_file.get(name, ())),
        )
        for name in count_by_file
    )
    flagged = [view for summary in files for view in summary.flagged]
    worst = sorted(flagged, key=lambda v: (v.score.score if v.score else 100.0, v.number))[:WORST_SEGMENTS]
    fix_counts = {state: 0 for state in FIX_LABELS}
    for view in flagged:
        for note in view.findings:
            fix_counts[note.fix_state] += 1
    return CorrectionReport(
        title=context.title,
        version=context.version,
        signature=result.signature,
        segments=len(result.segments),
        findings=len(result.findings),
        overall_score=result.overall_score,
        by_severity=severity_counts(result),
        by_category=_count([f.category for f in result.findings]),
        rules=_rule_rows(result.findings),
        fix_counts=fix_counts,
        files=files,
        worst=tuple(worst),
        metrics=_metrics_lines(result),
    )
