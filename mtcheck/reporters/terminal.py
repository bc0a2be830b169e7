"""Terminal: one line per finding, grouped by file, with a summary; colour on a TTY (rich).

File names, ids and text are printed with control characters escaped (\x1b), so that no
escape sequence from a file reaches the terminal."""

from __future__ import annotations

import io
import re
from typing import Iterator

from ..models import Finding, RunResult, Severity
from ..visible import visible
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
        return "".join(self.chunks(result, context))

    def chunks(self, result: RunResult, context: ReportContext) -> Iterator[str]:
        if self.color:
            yield self._render_rich(result)
            return
        # Text is printed as it is: no emoji codes (":a:" stays ":a:"), no markup.
        # Without colour the report is its lines as rich would print them (markup removed,
        # control codes stripped, tabs expanded), built directly: rich's per-line
        # rendering costs a hundred times more, and a run can have 100k findings.
        block: list[str] = []
        current_file = None
        for finding in result.findings:
            if finding.file != current_file:
                if current_file is not None:
                    block.append("\n")
                block.append(_plain(visible(finding.file)) + "\n")
                current_file = finding.file
            block.append(_plain(_finding_line(finding)) + "\n")
            if len(block) >= 4096:
                yield "".join(block)
                block = []
        if result.findings:
            block.append("\n")
        block.extend(_plain(line) + "\n" for line in _summary_lines(result))
        yield "".join(block)

    def _render_rich(self, result: RunResult) -> str:
        from rich.console import Console
        from rich.markup import escape as escape_markup

        def escape(text: str) -> str:
            return escape_markup(visible(text))

        buffer = io.StringIO()
        console = Console(file=buffer, force_terminal=self.color, no_color=not self.color, color_system="standard" if self.color else None, width=self.width, highlight=False, soft_wrap=True, emoji=False)
        current_file = None
        for finding in result.findings:
            if finding.file != current_file:
                if current_file is not None:
                    console.print()
                console.print(f"[bold]{escape(finding.file)}[/bold]")
                current_file = finding.file
            style = _STYLE[finding.severity]
            suggestion = f" [green]→ {escape(finding.suggestions[0])}[/green]" if finding.suggestions else ""
            confidence = f" [dim]({finding.confidence:.2f})[/dim]" if finding.confidence < 1 else ""
            console.print(
                f"  {escape_markup(_where(finding)):>7}  [{style}]{finding.severity.value:<7}[/{style}] [bold]{finding.rule}[/bold] "
                f"{escape(finding.message)}{suggestion}{confidence}"
            )
        if result.findings:
            console.print()
        for line in _summary_lines(result):
            console.print(escape(line))
        return buffer.getvalue()


def _where(finding: Finding) -> str:
    return f"{finding.line}:{finding.column}" if finding.line else f"seg {visible(finding.segment)}"


def _finding_line(finding: Finding) -> str:
    """One finding's line without markup: what the coloured line shows, uncoloured."""
    suggestion = f" → {visible(finding.suggestions[0])}" if finding.suggestions else ""
    confidence = f" ({finding.confidence:.2f})" if finding.confidence < 1 else ""
    return f"  {_where(finding):>7}  {finding.severity.value:<7} {finding.rule} {visible(finding.message)}{suggestion}{confidence}"


def _summary_lines(result: RunResult) -> list[str]:
    counts = severity_counts(result)
    files = len({segment.file for segment in result.segments})
    lines = [
        f"{len(result.findings)} finding(s) in {len(result.segments)} segment(s) of {files} file(s): "
        f"{counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} info; "
        f"quality score {result.overall_score:.1f}/100"
    ]
    if result.extras.get("metrics"):
        from ..metrics import summary_lines

        lines.extend(summary_lines(result.extras["metrics"]))
    return lines


# The control codes rich removes from printed text (rich.control.strip_control_codes).
_STRIPPED = {7: None, 8: None, 11: None, 12: None, 13: None}
_CONTROL = re.compile("[\x07\x08\x0b\x0c\r]")


def _plain(line: str) -> str:
    """`line` as rich prints it without colour: control codes stripped, tabs expanded to
    8 cells (rich's own expansion for the rare line with a tab: it counts cells, and wide
    or zero-width characters differ from str.expandtabs)."""
    if "\t" in line:
        from rich.text import Text

        text = Text(line)
        text.expand_tabs(8)
        return text.plain
    return line.translate(_STRIPPED) if _CONTROL.search(line) else line
