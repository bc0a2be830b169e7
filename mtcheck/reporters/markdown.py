"""Markdown: the correction report as a document a translator reads (GitHub-flavoured tables).

Every piece of input text is escaped, so that a target, message or suggestion shows
literally and never becomes markup (`*`, `[link](...)`, `<script>`, a leading `#`).
"""

from __future__ import annotations

import re

from ..gcpause import gc_paused
from ..models import RunResult
from .base import ReportContext, Reporter
from .correction_report import (
    FIX_LABELS, NO_FIX, OVERLAPS, SAFE, UNSAFE, CorrectionReport, NumberedFinding, SegmentView, build_correction_report,
)

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_LINE_START = re.compile(r"^(\s*)([#+=-]|\d+(?=[.)]))")
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
UNSAFE_MARK = "⚠"


def md_escape(text: str) -> str:
    """Escape `text` for inline Markdown: it renders as itself, never as markup."""
    text = _ENTITY.sub("\\&", _SPECIAL.sub(r"\\\1", text))
    text = _LINE_START.sub(lambda m: f"{m.group(1)}\\{m.group(2)}" if not m.group(2).isdigit() else f"{m.group(1)}{m.group(2)}\\", text)
    return re.sub(r"\r\n|\r|\n", "<br>", text)


def md_code(text: str) -> str:
    """An inline code span that holds any text (a fence longer than its backtick runs)."""
    text = " ".join(text.split())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def superscript(number: int) -> str:
    return f"⁽{str(number).translate(_SUPERSCRIPT)}⁾"


def _quote(text: str) -> str:
    return f"“{md_escape(text)}”"


def _table(header: list[str], rows: list[list[str]], align: str = "") -> list[str]:
    """A GitHub table; `align` has one letter per column (l or r)."""
    align = align or "l" * len(header)
    rule = ["---:" if a == "r" else "---" for a in align]
    return [f"| {' | '.join(header)} |", f"| {' | '.join(rule)} |"] + [f"| {' | '.join(row)} |" for row in rows]


def _summary(report: CorrectionReport) -> list[str]:
    lines = ["## Summary", ""]
    files = ", ".join(md_escape(f.name) for f in report.files) or "no input"
    flagged = len(report.flagged)
    lines += [
        f"- Input: {files}",
        f"- Segments: {report.segments} ({flagged} flagged, {report.segments - flagged} without findings)",
        f"- Findings: {report.findings} "
        f"({report.by_severity.get('error', 0)} error, {report.by_severity.get('warning', 0)} warning, {report.by_severity.get('info', 0)} info)",
        f"- Quality score of the whole text: **{report.overall_score:.1f}/100** ({report.band})",
        f"- Fixes: {report.fix_counts[SAFE]} safe, {report.fix_counts[UNSAFE]} unsafe (check before accepting), "
        f"{report.fix_counts[NO_FIX]} without automatic fix, {report.fix_counts[OVERLAPS]} overlapping another fix",
        f"- Signature: {md_code(report.signature)}",
        "",
    ]
    lines += ["### Findings by severity", ""]
    lines += _table(["severity", "findings"], [[k, str(v)] for k, v in report.by_severity.items()], "lr") + [""]
    if report.by_category:
        lines += ["### Findings by category", ""]
        lines += _table(["category", "findings"], [[md_escape(k), str(v)] for k, v in report.by_category.items()], "lr") + [""]
        lines += ["### Findings by rule", ""]
        lines += _table(
            ["rule", "name", "category", "severity", "findings", "with fix", "what it flags"],
            [[md_code(r.code), md_escape(r.name), md_escape(r.category), r.severities, str(r.count), str(r.fixable), md_escape(r.summary)] for r in report.rules],
            "llllrrl",
        ) + [""]
    if report.metrics:
        lines += ["### Against the reference", ""] + [f"    {line}" for line in report.metrics] + [""]
    if report.worst:
        lines += ["### Segments to review first", ""]
        lines += _table(
            ["segment", "score", "findings"],
            [[_where(view, report), f"{view.score.score:.1f}" if view.score else "", str(len(view.findings))] for view in report.worst],
            "lrr",
        ) + [""]
    return lines


def _where(view: SegmentView, report: CorrectionReport) -> str:
    prefix = f"{md_escape(view.segment.file)} " if len(report.files) > 1 else ""
    return prefix + md_escape(view.label)


def _marked(view: SegmentView) -> str:
    return "".join(
        f"**{md_escape(piece.text)}**{superscript(piece.note.number)}" if piece.note else md_escape(piece.text)
        for piece in view.pieces
    ).strip()


def _corrected(view: SegmentView) -> str:
    parts = []
    for change in view.changes:
        if change.note is None:
            parts.append(md_escape(change.text))
        else:
            mark = UNSAFE_MARK if change.unsafe else ""
            parts.append(f"**{md_escape(change.text)}**{mark}{superscript(change.note.number)}")
    return "".join(parts).strip()


def _finding_item(note: NumberedFinding) -> list[str]:
    f = note.finding
    suggestion = ", ".join(f"**{md_escape(s)}**" for s in f.suggestions) or "(no suggestion)"
    head = (
        f"{note.number}. **{f.severity.value}** {md_code(f.rule)} {md_escape(f.name)}: "
        f"{_quote(f.text)} → {suggestion} · {FIX_LABELS[note.fix_state]} · confidence {f.confidence:.2f}"
    )
    indent = " " * len(f"{note.number}. ")
    lines = [head + "  ", f"{indent}{md_escape(f.message)}"]
    if f.evidence:
        lines[-1] += "  "
        lines.append(f"{indent}evidence: {'; '.join(md_escape(e) for e in f.evidence)}")
    return lines


def _segment(view: SegmentView, report: CorrectionReport) -> list[str]:
    score = f" · score {view.score.score:.1f}/100" if view.score else ""
    count = len(view.findings)
    lines = [f"### {_where(view, report)}{score} · {count} finding{'s' if count != 1 else ''}", ""]
    lines.append(f"> {_marked(view)}")
    if view.segment.source:
        lines += [">", f"> Source: {md_escape(view.segment.source.strip())}"]
    if view.segment.reference:
        lines += [">", f"> Reference: {md_escape(view.segment.reference.strip())}"]
    lines.append("")
    for note in view.findings:
        lines += _finding_item(note)
    return lines + [""]


def _flagged_section(report: CorrectionReport) -> list[str]:
    lines = ["## Flagged segments", ""]
    if not report.flagged:
        return lines + ["No findings: nothing to correct.", ""]
    lines += ["Flagged spans are in bold, numbered as the findings below them.", ""]
    for summary in report.files:
        if len(report.files) > 1:
            lines += [f"### File {md_escape(summary.name)}", ""]
        for view in summary.flagged:
            lines += _segment(view, report)
        if summary.clean_count:
            lines += [f"Segments without findings: {summary.clean_count} of {summary.segments} ({md_escape(summary.clean_labels)}), score 100.", ""]
    return lines


def _corrected_section(report: CorrectionReport) -> list[str]:
    lines = ["## Corrected text", ""]
    changed = report.changed
    if not changed:
        return lines + ["No fix changes the text.", ""]
    lines += [
        "Every suggested fix is applied below, safe and unsafe ones alike. Replacements are in bold with the number "
        f"of their finding; **{UNSAFE_MARK} marks an unsafe fix**: check it against the source before accepting it. "
        "Findings without an automatic fix, and fixes that overlap another, are not applied. "
        "Segments not listed are unchanged.",
        "",
    ]
    for view in changed:
        lines += [f"**{_where(view, report)}**  ", _corrected(view), ""]
    return lines


def render_markdown(report: CorrectionReport) -> str:
    lines = [f"# {md_escape(report.title)}", ""]
    lines += _summary(report) + _flagged_section(report) + _corrected_section(report)
    lines += ["---", f"Generated by mtcheck {md_code(report.version)}.", ""]
    return "\n".join(lines)


class MarkdownReporter(Reporter):
    name = "markdown"
    extension = "md"

    def render(self, result: RunResult, context: ReportContext) -> str:
        with gc_paused():  # a report of 100k findings allocates millions of acyclic pieces
            return render_markdown(build_correction_report(result, context))
