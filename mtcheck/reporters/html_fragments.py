"""The repeated parts of the HTML report, built in Python: a flagged segment's article (its
highlighted text and numbered notes) and a segment's corrected text.

A report of 100k findings renders these parts 100k times; through jinja2 macros and loops
they cost about 150 µs a finding, several times the whole JSON report. Here every piece of
input text goes through markupsafe.escape (the function jinja2's autoescape calls) exactly
once per distinct string, and the fixed markup around it is plain f-string text. The page
template (report.html.j2, autoescape on) places the results as Markup.
"""

from __future__ import annotations

from typing import Callable

from markupsafe import Markup, escape

from .correction_report import FIX_LABELS, Change, CorrectionReport, NumberedFinding, Piece, SegmentView


def escaper() -> Callable[[object], str]:
    """markupsafe.escape returning plain str, memoised: rule codes, names, severities,
    evidence and messages repeat across thousands of findings of one report."""
    memo: dict[str, str] = {}

    def esc(value: object) -> str:
        if type(value) is not str:
            return str(escape(value))
        try:
            return memo[value]
        except KeyError:
            text = memo[value] = str(escape(value))
            return text

    return esc


class HtmlFragments:
    """The repeated HTML of one report; every method returns escaped HTML as Markup."""

    def __init__(self, report: CorrectionReport):
        self.multi_file = len(report.files) > 1
        self.esc = escaper()

    def where(self, view: SegmentView) -> Markup:
        return Markup(self._where(view))

    def article(self, view: SegmentView) -> Markup:
        """A flagged segment: its text with the flagged spans marked, and its notes."""
        return Markup(self._article(view))

    def corrected(self, view: SegmentView) -> Markup:
        """A segment's corrected text, each applied fix marked."""
        return Markup(self._corrected(view))

    # --- plain-str builders (escaped text inside, no Markup arithmetic) ---------------

    def _where(self, view: SegmentView) -> str:
        label = self.esc(view.label)
        return f"{self.esc(view.segment.file)} {label}" if self.multi_file else label

    def _article(self, view: SegmentView) -> str:
        esc = self.esc
        segment = view.segment
        count = len(view.findings)
        score = f'<span class="score {esc(view.band)}">score {"%.1f" % view.score.score} / 100</span>' if view.score else ""
        source = f'<p class="aligned"><span class="k">Source:</span> {esc(segment.source)}</p>' if segment.source else ""
        reference = f'<p class="aligned"><span class="k">Reference:</span> {esc(segment.reference)}</p>' if segment.reference else ""
        return (
            f'<article class="segment" id="s{view.number}">\n'
            f'<header><h3>{self._where(view)}</h3>{score}<span class="muted">{count} finding{"s" if count != 1 else ""}</span></header>\n'
            '<div class="body">\n<div>\n'
            f'<p class="target">{"".join(map(self._piece, view.pieces))}</p>\n'
            f"{source}{reference}"
            '</div>\n<ol class="notes">\n'
            f'{"".join(map(self._note, view.findings))}'
            "</ol>\n</div>\n</article>\n"
        )

    def _piece(self, piece: Piece) -> str:
        text = self.esc(piece.text)
        note = piece.note
        if note is None:
            return text
        return (f'<mark class="sev-{self.esc(note.finding.severity.value)}" title="{self._tip(note)}">'
                f'<a href="#f{note.number}">{text}</a><sup class="n">{note.number}</sup></mark>')

    def _tip(self, note: NumberedFinding) -> str:
        esc = self.esc
        f = note.finding
        suggestions = f" → {' / '.join(map(esc, f.suggestions))}" if f.suggestions else ""
        return (f"{note.number}. {esc(f.severity.value)} {esc(f.rule)}: {esc(f.message)}{suggestions}"
                f" ({esc(FIX_LABELS[note.fix_state])}, confidence {'%.2f' % f.confidence})")

    def _note(self, note: NumberedFinding) -> str:
        esc = self.esc
        f = note.finding
        severity = esc(f.severity.value)
        if f.suggestions:
            suggestions = " or ".join(f'<span class="to">{esc(s)}</span>' for s in f.suggestions)
        else:
            suggestions = '<span class="muted">no suggestion</span>'
        evidence = ""
        if f.evidence:
            evidence = '<ul class="evidence">\n' + "".join(f"<li>{esc(item)}</li>\n" for item in f.evidence) + "</ul>\n"
        return (
            f'<li id="f{note.number}" class="sev-{severity}">\n'
            f'<div class="note-head"><span class="num">{note.number}</span><span class="badge sev-{severity}">{severity}</span>'
            f'<code>{esc(f.rule)}</code><span class="rule-name">{esc(f.name)}</span></div>\n'
            f'<div class="suggest"><span class="was">{esc(f.text)}</span> → {suggestions} '
            f'<span class="fix {esc(note.fix_state)}">{esc(FIX_LABELS[note.fix_state])}</span> '
            f'<span class="conf">confidence {"%.2f" % f.confidence}</span></div>\n'
            f'<div class="msg">{esc(f.message)}</div>\n'
            f"{evidence}</li>\n"
        )

    def _corrected(self, view: SegmentView) -> str:
        return (f'<div class="corrected"><a class="loc" href="#s{view.number}">{self._where(view)}</a>'
                f'<p class="corrected-text">{"".join(map(self._change, view.changes))}</p></div>\n')

    def _change(self, change: Change) -> str:
        esc = self.esc
        text = esc(change.text)
        note = change.note
        if note is None:
            return text
        mark = '<span class="unsafe-mark">⚠</span>' if change.unsafe else ""
        return (f'<ins class="fix-{"unsafe" if change.unsafe else "safe"}" title="finding {note.number}: '
                f'{esc(FIX_LABELS[note.fix_state])}; was “{esc(change.original)}”">{text}</ins>'
                f'{mark}<sup class="n">{note.number}</sup>')
