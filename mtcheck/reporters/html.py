"""HTML: the correction report as one self-contained page (inline CSS, no scripts, no network).

Rendered with jinja2 from mtcheck/reporters/templates/report.html.j2 with autoescape on;
the parts repeated for every flagged segment and finding come from html_fragments, which
escapes every piece of input text with markupsafe.escape as autoescape does. So every
piece of input text (targets, messages, suggestions, evidence) is escaped. A
Content-Security-Policy meta tag forbids the page from loading anything.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Iterator

from ..gcpause import gc_paused
from ..models import RunResult
from .base import ReportContext, Reporter
from .correction_report import CorrectionReport, build_correction_report
from .html_fragments import HtmlFragments

TEMPLATE = "report.html.j2"


@lru_cache(maxsize=1)
def environment():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("mtcheck.reporters", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def html_chunks(report: CorrectionReport) -> Iterator[str]:
    """The page in pieces (one per flagged segment and per corrected segment, at most), as
    jinja2 generates it: a report of 100k findings is never held whole."""
    return environment().get_template(TEMPLATE).generate(report=report, fragments=HtmlFragments(report))


def render_html(report: CorrectionReport) -> str:
    return "".join(html_chunks(report))


class HtmlReporter(Reporter):
    name = "html"
    extension = "html"

    def render(self, result: RunResult, context: ReportContext) -> str:
        return "".join(self.chunks(result, context))

    def chunks(self, result: RunResult, context: ReportContext) -> Iterator[str]:
        with gc_paused():  # a report of 100k findings allocates millions of acyclic pieces
            yield from html_chunks(build_correction_report(result, context))
