"""GitHub Actions workflow commands: findings become annotations on the pull request.

    ::error file=docs/zh.po,line=12,col=8,endColumn=14,title=mtcheck GL001 (glossary-mistranslation)::literal ...

Levels: error -> error, warning -> warning, info -> notice. Values are escaped as the
Actions runner expects: in the message % CR LF become %25 %0D %0A; in properties also
`:` and `,` (%3A, %2C). Other control characters (ESC, C1, bidi overrides) are written as
visible escapes (\x1b) so that file names and text cannot inject log colours or commands.
A last plain line summarises the run for the log.
"""

from __future__ import annotations

from ..models import Finding, RunResult, Segment, Severity
from .base import ReportContext, Reporter, severity_counts
from ..visible import visible
from .sarif import end_position, segments_by_key

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return visible(text, keep_newlines=True).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding, segment: Segment | None = None) -> str:
    properties = [("file", finding.file)]
    if finding.line is not None:
        properties.append(("line", str(finding.line)))
        if finding.column is not None:
            properties.append(("col", str(finding.column)))
            end = end_position(finding, segment)
            if end is not None and end[0] == finding.line and finding.text:
                properties.append(("endColumn", str(end[1])))
    properties.append(("title", f"mtcheck {finding.rule} ({finding.name or finding.category})"))
    message = finding.message
    if finding.suggestions:
        message += f" Suggestion: {finding.suggestions[0]}"
    rendered = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    return f"::{COMMANDS[finding.severity]} {rendered}::{escape_data(message)}"


class GithubReporter(Reporter):
    name = "github"
    extension = "txt"

    def render(self, result: RunResult, context: ReportContext) -> str:
        segments = segments_by_key(result)
        lines = [annotation(finding, segments.get((finding.file, finding.segment))) for finding in result.findings]
        counts = severity_counts(result)
        lines.append(
            f"mtcheck: {len(result.findings)} finding(s) in {len(result.segments)} segment(s): "
            f"{counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} info"
        )
        return "\n".join(lines) + "\n"
