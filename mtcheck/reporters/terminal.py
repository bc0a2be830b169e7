"""Terminal: one line per finding, grouped by file, with a summary; colour on a TTY (rich)."""

from __future__ import annotations

import io

from ..models import RunResult, Severity
from .base import ReportContext, Reporter, severity_counts

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
COLOR_CHOICES = ("auto", "always", "never")


def wants_color(choice: str, is_tty: bool, environ) -> bool:
    """Whether to colour: `always`/`never` win; `auto` colours a TTY unless NO_COLOR is set
    (any non-empty value, no-color.org), and FORCE_COLOR (non-empty) colours even a pipe."""
    if choice == "always":
        return True
    if choice == "never" or environ.get("NO_COLOR"):
        return False
    return bool(environ.get("FORCE_COLOR")) or is_tty


class TerminalReporter(Reporter):
    name = "terminal"
    extension = "txt"

    def __init__(self, color: bool = False, width: int = 100):
        self.color = color
        self.width = width

    def render(self, result: RunResult, context: ReportContext) -> str:
        from rich.console import Console
        from rich.markup import escape

        buffer = io.StringIO()
        console = Console(file=buffer, force_terminal=self.color, no_color=not self.color, color_system="standard" if self.color else None, width=self.width, highlight=False, soft_wrap=True)
        current_file = None
        for finding in result.findings:
            if finding.file != current_file:
                if current_file is not None:
                    console.print()
                console.print(f"[bold]{escape(finding.file)}[/bold]")
                current_file = finding.file
            where = f"{finding.line}:{finding.column}" if finding.line else f"seg {finding.segment}"
            style = _STYLE[finding.severity]
            suggestion = f" [green]→ {escape(finding.suggestions[0])}[/green]" if finding.suggestions else ""
            confidence = f" [dim]({finding.confidence:.2f})[/dim]" if finding.confidence < 1 else ""
            console.print(
                f"  {where:>7}  [{style}]{finding.severity.value:<7}[/{style}] [bold]{finding.rule}[/bold] "
                f"{escape(finding.message)}{suggestion}{confidence}"
            )
        counts = severity_counts(result)
        if result.findings:
            console.print()
        files = len({segment.file for segment in result.segments})
        console.print(
            f"{len(result.findings)} finding(s) in {len(result.segments)} segment(s) of {files} file(s): "
            f"{counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} info; "
            f"quality score {result.overall_score:.1f}/100"
        )
        if result.extras.get("metrics"):
            from ..metrics import summary_lines

            for line in summary_lines(result.extras["metrics"]):
                console.print(escape(line))
        return buffer.getvalue()
