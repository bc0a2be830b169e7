"""Reporters: golden files for every format, the correction report's contents, escaping,
the CSV round trip, and the CLI writing the same reports.

Regenerate the golden files after an intended change with
    MTCHECK_UPDATE_GOLDEN=1 python -m pytest tests/test_reporters.py
and review the diff before committing.
"""

from __future__ import annotations

import contextlib
import dataclasses
import html
import io
import json
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import markupsafe
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from mtcheck.api import check_file
from mtcheck.cli import corrected_targets, main
from mtcheck.models import Applicability, Edit, Finding, Fix, RunResult, Segment, SegmentScore, Severity
from mtcheck.options import CheckOptions
from mtcheck.reporters import FORMATS, ReportContext, extension_for, get_reporter
from mtcheck.reporters.correction_report import NO_FIX, OVERLAPS, SAFE, UNSAFE, build_correction_report, compact_labels
from mtcheck.reporters.csv_reporter import COLUMNS, finding_row
from mtcheck.reporters.markdown import md_code, md_escape

from .conftest import modules_imported_by

TESTS = Path(__file__).parent
EXAMPLE_DIR = TESTS / "data" / "report-example"
EXAMPLE = "example.mt.en.txt"
GLOSSARY = "glossary.csv"
GOLDEN_DIR = TESTS / "golden"
UPDATE_GOLDEN = os.environ.get("MTCHECK_UPDATE_GOLDEN") == "1"
GOLDEN_FORMATS = ("terminal", "json", "markdown", "html", "csv")
HOSTILE = '<script>alert(1)</script> & "quoted" \'single\' <img src=x onerror=alert(2)>'


# --- helpers -----------------------------------------------------------------------------

def example_result() -> RunResult:
    """The team-written example, checked from its folder so that file paths stay relative."""
    options = CheckOptions(embed=False, use_default_glossary=False, glossaries=(GLOSSARY,))
    with contextlib.chdir(EXAMPLE_DIR):
        return check_file(EXAMPLE, options)


@pytest.fixture(scope="module")
def example():
    result = example_result()
    return result, ReportContext(corrected=corrected_targets(result))


def render(fmt: str, result: RunResult, context: ReportContext | None = None) -> str:
    return get_reporter(fmt).render(result, context or ReportContext(corrected=corrected_targets(result)))


def golden_path(fmt: str) -> Path:
    return GOLDEN_DIR / f"report-example.{extension_for(fmt)}"


def finding(segment: Segment, start: int, end: int, *, rule="GL001", severity=Severity.ERROR, message="msg",
            suggestions=("fix",), fix: Fix | None | str = "auto", confidence=1.0, evidence=(), category="mistranslation") -> Finding:
    if fix == "auto":
        fix = Fix((Edit(start, end, suggestions[0]),), Applicability.SAFE) if suggestions else None
    return Finding(
        rule=rule, category=category, severity=severity, message=message, segment=segment.id, file=segment.file,
        line=segment.line, column=start + 1, start=start, end=end, text=segment.target[start:end],
        suggestions=tuple(suggestions), confidence=confidence, fix=fix, evidence=tuple(evidence), name="a-rule",
    )


def result_of(segments: list[Segment], findings: list[Finding], signature="mtcheck:test") -> RunResult:
    scores = tuple(SegmentScore(s.id, 50.0 if any(f.segment == s.id for f in findings) else 100.0, 0.0, 5) for s in segments)
    return RunResult(tuple(segments), tuple(findings), signature, scores, 75.0)


class TextOf(HTMLParser):
    """Collects the tags and attributes of a page, and the text inside elements of one class
    (without the finding numbers in <sup>)."""

    def __init__(self, css_class: str = ""):
        super().__init__(convert_charrefs=True)
        self.css_class = css_class
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str | None]] = []
        self.texts: list[str] = []
        self._depth = 0
        self._in_sup = 0

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes.extend(attrs)
        classes = (dict(attrs).get("class") or "").split()
        if self._depth:
            self._depth += 1
        elif self.css_class in classes:
            self._depth = 1
            self.texts.append("")
        if tag == "sup":
            self._in_sup += 1

    def handle_endtag(self, tag):
        if tag == "sup":
            self._in_sup -= 1
        if self._depth:
            self._depth -= 1

    def handle_data(self, data):
        if self._depth and not self._in_sup:
            self.texts[-1] += data


def parse_html(page: str, css_class: str = "") -> TextOf:
    parser = TextOf(css_class)
    parser.feed(page)
    parser.close()
    return parser


# --- golden files ----------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", GOLDEN_FORMATS)
def test_report_matches_golden_file(fmt, example):
    result, context = example
    text = render(fmt, result, context)
    path = golden_path(fmt)
    if UPDATE_GOLDEN:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    assert path.exists(), f"missing golden file {path}: run with MTCHECK_UPDATE_GOLDEN=1"
    assert text == path.read_bytes().decode("utf-8"), f"{fmt} report differs from {path} (MTCHECK_UPDATE_GOLDEN=1 regenerates it)"


def test_golden_files_use_relative_paths_and_fixed_glossary():
    for fmt in GOLDEN_FORMATS:
        text = golden_path(fmt).read_text(encoding="utf-8")
        assert str(TESTS) not in text and "\\" + "tests" not in text
    signature = json.loads(golden_path("json").read_text(encoding="utf-8"))["signature"]
    assert "|glossary:8:" in signature and "embed:none" in signature


@pytest.mark.parametrize("fmt", GOLDEN_FORMATS)
def test_cli_writes_the_golden_report(fmt, tmp_path, monkeypatch):
    for name in (EXAMPLE, GLOSSARY):
        shutil.copy(EXAMPLE_DIR / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    args = ["check", EXAMPLE, "--no-embed", "--no-default-glossary", "--glossary", GLOSSARY, "--format", fmt]
    outcome = CliRunner().invoke(main, args)
    assert outcome.exit_code == 1, outcome.output  # the example has errors
    expected = golden_path(fmt).read_bytes().decode("utf-8")
    if fmt in ("terminal", "json"):
        assert outcome.stdout == expected
    else:
        written = tmp_path / "reports" / f"example.mt.en.mtcheck.{extension_for(fmt)}"
        assert written.read_bytes().decode("utf-8") == expected


def test_every_registered_format_has_a_golden_file():
    assert set(GOLDEN_FORMATS) <= set(FORMATS)
    for fmt in GOLDEN_FORMATS:
        assert golden_path(fmt).stat().st_size > 200


# --- the correction report's contents -------------------------------------------------------

def test_summary_counts_add_up(example):
    result, context = example
    report = build_correction_report(result, context)
    assert report.findings == len(result.findings) == 15
    assert sum(report.by_category.values()) == report.findings
    assert sum(report.by_severity.values()) == report.findings
    assert sum(row.count for row in report.rules) == report.findings
    assert sum(report.fix_counts.values()) == report.findings
    assert [view.label for view in report.flagged] == ["line 1", "line 2", "line 3", "line 4", "line 6"]
    assert report.files[0].clean_labels == "line 5" and report.files[0].clean_count == 1
    assert [n.number for view in report.flagged for n in view.findings] == list(range(1, 16))
    assert report.worst[0].label == "line 3"  # the lowest score comes first
    assert report.fix_counts == {SAFE: 9, UNSAFE: 5, NO_FIX: 1, OVERLAPS: 0}


def test_corrected_text_is_the_context_text_with_fixes_marked(example):
    result, context = example
    for view in build_correction_report(result, context).flagged:
        assert view.corrected == context.corrected[(view.segment.file, view.segment.id)]
        assert "".join(change.text for change in view.changes) == view.corrected
        for change in view.changes:
            if change.note is not None:
                f = change.note.finding
                assert change.original == view.segment.target[f.start:f.end]
                assert change.unsafe == (f.fix.applicability is Applicability.UNSAFE)


def test_markdown_marks_each_applied_unsafe_fix(example):
    result, context = example
    text = render("markdown", result, context)
    corrected = text.split("## Corrected text", 1)[1]
    unsafe_applied = sum(c.unsafe for view in build_correction_report(result, context).flagged for c in view.changes)
    assert unsafe_applied == 5
    assert corrected.count("**⚠⁽") == unsafe_applied  # "**Xiaomi**⚠⁽⁴⁾"
    assert "unsafe ones alike" in corrected
    assert "surging S1 chip" in corrected  # a finding without an automatic fix is not applied


def test_html_marks_each_applied_unsafe_fix(example):
    result, context = example
    page = render("html", result, context)
    corrected = page.split('<section id="corrected">', 1)[1]
    assert corrected.count('<ins class="fix-unsafe"') == 5 + 1  # five fixes and the legend
    assert corrected.count('<ins class="fix-safe"') == 9 + 1


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_report_lists_every_finding_with_confidence_and_evidence(fmt, example):
    result, context = example
    text = render(fmt, result, context)
    for f in result.findings:
        escape = str if fmt == "markdown" else lambda value: str(markupsafe.escape(value))
        assert escape(md_escape(f.message) if fmt == "markdown" else f.message) in text
        for item in f.evidence:
            assert escape(md_escape(item) if fmt == "markdown" else item) in text
    assert "confidence 0.56" in text and "sense gate (lexical)" in text
    assert "58.0" in text and "57.2" in text  # whole-text and per-segment scores
    assert result.signature in text


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_segments_without_findings_are_summarised_not_repeated(fmt, example):
    result, context = example
    text = render(fmt, result, context)
    clean = result.segments[4].target
    assert clean.startswith("Lei Jun said") and clean not in text
    assert "Segments without findings: 1 of 6 (line 5)" in text


def test_overlapping_fixes_are_reported_and_not_applied():
    segment = Segment("1", "the the the report", file="doc.txt", line=1)
    first = finding(segment, 0, 7, suggestions=("the",), rule="RP001")
    second = finding(segment, 4, 11, suggestions=("the",), rule="RP001")
    report = build_correction_report(result_of([segment], [first, second]), ReportContext())
    notes = report.flagged[0].findings
    assert [n.fix_state for n in notes] == [SAFE, OVERLAPS]
    assert report.flagged[0].corrected == "the the report"
    assert report.fix_counts[OVERLAPS] == 1


def test_a_finding_without_fix_changes_nothing():
    segment = Segment("1", "the surging S1 chip", file="doc.txt", line=1)
    report = build_correction_report(result_of([segment], [finding(segment, 4, 14, suggestions=("Surge S1",), fix=None)]), ReportContext())
    view = report.flagged[0]
    assert view.findings[0].fix_state == NO_FIX and not view.changed and report.changed == ()
    result = result_of([segment], [view.findings[0].finding])
    assert "No fix changes the text." in render("markdown", result)
    assert "No fix changes the text." in render("html", result)


def test_corrected_text_from_the_context_wins_over_recomputation():
    segment = Segment("1", "millet phones", file="doc.txt", line=1)
    result = result_of([segment], [finding(segment, 0, 6, suggestions=("Xiaomi",))])
    view = build_correction_report(result, ReportContext(corrected={("doc.txt", "1"): "Xiaomi phones sell"})).flagged[0]
    assert view.corrected == "Xiaomi phones sell" and [c.note for c in view.changes] == [None]
    computed = build_correction_report(result, ReportContext()).flagged[0]
    assert computed.corrected == "Xiaomi phones" and computed.changes[0].note is not None


def test_empty_run_renders_without_findings():
    segment = Segment("1", "Xiaomi released a phone.", file="doc.txt", line=1)
    result = result_of([segment], [])
    assert "No findings: nothing to correct." in render("markdown", result)
    assert "No findings: nothing to correct." in render("html", result)
    assert render("csv", result).splitlines() == [",".join(COLUMNS)]


def test_several_files_are_named_per_segment():
    a = Segment("1", "millet phones", file="a.txt", line=1)
    b = Segment("1", "millet phones", file="b.txt", line=1)
    result = result_of([a, b], [finding(a, 0, 6, suggestions=("Xiaomi",)), finding(b, 0, 6, suggestions=("Xiaomi",))])
    text = render("markdown", result)
    assert "### File a.txt" in text and "### File b.txt" in text
    assert "### a.txt line 1" in text and "### b.txt line 1" in text
    assert parse_html(render("html", result), "file").texts == ["a.txt", "b.txt"]


def test_source_and_reference_are_shown_beside_the_target():
    segment = Segment("7", "millet phones", file="pairs.tsv", line=8, source="小米手机", reference="Xiaomi phones")
    text = render("markdown", result_of([segment], [finding(segment, 0, 6, suggestions=("Xiaomi",))]))
    assert "### segment 7 (line 8)" in text and "> Source: 小米手机" in text and "> Reference: Xiaomi phones" in text


def test_reference_metrics_are_shown_when_a_reference_was_given():
    metrics = pytest.importorskip("mtcheck.metrics")
    segment = Segment("1", "The millet phone sold well.", file="doc.txt", line=1, reference="The Xiaomi phone sold well.")
    findings = [finding(segment, 4, 10, suggestions=("Xiaomi",))]
    extras = {"metrics": metrics.reference_metrics([segment], findings)}
    result = RunResult((segment,), tuple(findings), "s", (SegmentScore("1", 50.0, 5.0, 5),), 50.0, extras=extras)
    lines = metrics.summary_lines(extras["metrics"])
    markdown = render("markdown", result)
    assert "### Against the reference" in markdown and all(f"    {line}" in markdown for line in lines)
    assert parse_html(render("html", result), "metrics").texts == ["\n".join(lines)]
    assert "Against the reference" not in render("markdown", result_of([segment], findings))


@pytest.mark.parametrize("segments, expected", [
    ([Segment("5", "x", line=5)], "line 5"),
    ([Segment(str(n), "x", line=n) for n in (1, 2, 3, 5, 7, 8)], "lines 1-3, 5, 7-8"),
    ([Segment("a", "x", line=2), Segment("b", "x", line=3)], "segments a, b"),
    ([Segment("row-9", "x")], "segment row-9"),
    ([], ""),
])
def test_compact_labels(segments, expected):
    assert compact_labels(segments) == expected


# --- escaping: HTML ----------------------------------------------------------------------------

TEMPLATE_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "p", "section", "div", "span",
    "table", "caption", "thead", "tbody", "tr", "th", "td", "code", "a", "mark", "sup", "article", "ol", "li",
    "ul", "ins", "footer", "pre",
}


def hostile_result() -> RunResult:
    target = f"Millet said {HOSTILE} and more"
    segment = Segment("1", target, file='in<put>&"x".txt', line=1, source="小米 <b>说</b>", reference="ref & <i>x</i>")
    start = target.index("<script>")
    return result_of([segment], [
        finding(segment, 0, 6, suggestions=('Xiaomi "<img src=y onerror=alert(3)>"',), message=f"message {HOSTILE}",
                evidence=(f"evidence {HOSTILE}",)),
        finding(segment, start, start + len("<script>alert(1)</script>"), suggestions=("A & B 'c'",), severity=Severity.WARNING,
                fix=Fix((Edit(start, start + 25, "A & B 'c'"),), Applicability.UNSAFE), message='a "quoted" <message>'),
    ], signature="mtcheck:test|model:</code><script>x</script>")


def test_html_escapes_every_piece_of_input_text():
    page = render("html", hostile_result())
    assert "<script" not in page and "<img" not in page and "<b>" not in page and "<i>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&amp; &#34;quoted&#34; &#39;single&#39;" in page
    assert "Xiaomi &#34;&lt;img src=y onerror=alert(3)&gt;&#34;" in page  # a suggestion
    assert "message &lt;script&gt;" in page and "evidence &lt;script&gt;" in page  # message, evidence
    assert "A &amp; B &#39;c&#39;" in page and "a &#34;quoted&#34; &lt;message&gt;" in page
    parsed = parse_html(page)
    assert parsed.tags <= TEMPLATE_TAGS
    assert not [name for name, _ in parsed.attributes if name.startswith("on")]


def test_html_shows_hostile_text_literally():
    result = hostile_result()
    page = render("html", result)
    assert parse_html(page, "target").texts == [result.segments[0].target]
    corrected = parse_html(page, "corrected-text").texts[0].replace("⚠", "")
    expected = result.segments[0].target.replace("Millet", 'Xiaomi "<img src=y onerror=alert(3)>"')
    assert corrected == expected.replace("<script>alert(1)</script>", "A & B 'c'")


def test_html_is_self_contained():
    page = render("html", hostile_result())
    parsed = parse_html(page)
    assert {name for name, _ in parsed.attributes} <= {"lang", "charset", "http-equiv", "content", "name", "class", "id", "href", "title"}
    assert all(value.startswith("#") for name, value in parsed.attributes if name == "href")  # in-page links only
    style = page.split("<style>", 1)[1].split("</style>", 1)[0].lower()
    for needle in ("url(", "@import", "@font-face", "http"):
        assert needle not in style, needle
    assert "content=\"default-src 'none'; style-src 'unsafe-inline'\"" in page
    assert page.count("<style>") == 1 and "@media print" in page


@settings(max_examples=60, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40), st.data())
def test_html_target_text_round_trips(text, data):
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    segment = Segment("1", text, file="doc.txt", line=1)
    page = render("html", result_of([segment], [finding(segment, start, end, suggestions=("<x>&",))]))
    assert parse_html(page, "target").texts == [text]


FIELD_TEXT = st.text(st.one_of(st.sampled_from("<>&\"'=/;# ab"), st.characters(blacklist_categories=("Cs", "Cc"))), min_size=1, max_size=20)


@settings(max_examples=60, deadline=None)
@given(rule=FIELD_TEXT, name=FIELD_TEXT, message=FIELD_TEXT, suggestion=FIELD_TEXT, evidence=FIELD_TEXT)
def test_html_notes_escape_every_field(rule, name, message, suggestion, evidence):
    """The notes and titles are built in Python (html_fragments): each field is in the page
    exactly as jinja2's autoescape writes it (markupsafe.escape), and an HTML parser reads
    it back as it went in, with no tag or attribute added."""
    segment = Segment("1", "Millet and more", file="doc.txt", line=1)
    note = dataclasses.replace(finding(segment, 0, 6, rule=rule, message=message, suggestions=(suggestion, "second"),
                                       evidence=(evidence,)), name=name)
    text = render("html", result_of([segment], [note]))
    title = f"1. error {rule}: {message} → {suggestion} / second (safe fix, confidence 1.00)"
    for opening, closing, expected in (
        ('<div class="msg">', "</div>", [message]),
        ('<span class="rule-name">', "</span>", [name]),
        ('<span class="to">', "</span>", [suggestion, "second"]),
        ('<span class="was">', "</span>", ["Millet"]),
        ('<ul class="evidence">\n<li>', "</li>", [evidence]),
        ('<mark class="sev-error" title="', '">', [title]),
    ):
        assert re.findall(re.escape(opening) + "(.*?)" + re.escape(closing), text, re.S) == [str(markupsafe.escape(v)) for v in expected], opening
    page = parse_html(text)
    assert page.tags <= TEMPLATE_TAGS
    assert {attribute for attribute, _ in page.attributes} <= {"lang", "charset", "http-equiv", "content", "name", "class", "id", "href", "title"}
    assert [value for attribute, value in page.attributes if attribute == "title"] == [title, "finding 1: safe fix; was “Millet”"]
    assert parse_html(text, "msg").texts == [message] and parse_html(text, "to").texts == [suggestion, "second"]


# --- escaping: Markdown ------------------------------------------------------------------------

def markdown_to_html(text: str) -> str:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).enable("table").render(text)


def rendered_text(markdown: str) -> str:
    parser = TextOf("")
    parser._depth = 1
    parser.texts = [""]
    parser.feed(markdown_to_html(markdown))
    return parser.texts[0].strip()


@pytest.mark.parametrize("text", [
    HOSTILE, "*not emphasis* and _not_ either", "[a link](http://example.com)", "# not a heading", "1. not a list",
    "- not a list", "`code` | pipe", "&amp; &copy; &#35;", "a \\ backslash", "> not a quote", "~~not struck~~",
    "<http://autolink.example>", "R&D spending", "42) not a list either", "+ plus", "=== setext",
])
def test_md_escape_renders_literally(text):
    assert rendered_text(md_escape(text)) == text


@settings(max_examples=150, deadline=None)
@given(st.text(st.characters(min_codepoint=32, max_codepoint=126), min_size=1, max_size=30).map(str.strip).filter(bool))
def test_md_escape_round_trips_through_commonmark(text):
    assert rendered_text(md_escape(text)) == text


@pytest.mark.parametrize("text", ["plain", "a `tick`", "``double``", "`edge"])
def test_md_code_holds_any_backticks(text):
    from markdown_it import MarkdownIt

    rendered = MarkdownIt("commonmark").renderInline(md_code(text))
    assert rendered.startswith("<code>") and html.unescape(rendered[6:-7]) == text


def test_markdown_report_escapes_every_piece_of_input_text():
    page = markdown_to_html(render("markdown", hostile_result()))
    lowered = page.lower()
    assert "<script" not in lowered and "<img" not in lowered and "<b>" not in lowered and "<i>" not in lowered
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "message &lt;script&gt;" in page and "evidence &lt;script&gt;" in page


def test_markdown_newlines_in_a_target_stay_inside_the_quote():
    segment = Segment("r1", "first line\n# second line", file="t.tsv", line=2)
    page = markdown_to_html(render("markdown", result_of([segment], [finding(segment, 0, 5)])))
    assert "<strong>first</strong>⁽¹⁾ line<br># second line</p>\n</blockquote>" in page
    assert "<h1>second" not in page


# --- CSV -------------------------------------------------------------------------------------

def test_csv_round_trips_through_pandas():
    pd = pytest.importorskip("pandas")
    result = hostile_result()
    no_line = Segment("row-3", 'a, "comma"\nand newline; 小米', file="t.tsv", line=None)
    result = RunResult(result.segments + (no_line,), result.findings + (finding(no_line, 0, 1, fix=None, suggestions=()),), "s")
    text = render("csv", result)
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    assert tuple(frame.columns) == COLUMNS
    expected = [{k: "" if v is None else str(v) for k, v in finding_row(f).items()} for f in result.findings]
    assert frame.to_dict("records") == expected
    assert frame.loc[0, "suggestions"] == 'Xiaomi "<img src=y onerror=alert(3)>"'
    assert frame.loc[2, "line"] == "" and frame.loc[2, "fix_applicability"] == ""
    assert frame.loc[1, "fix_applicability"] == "unsafe"


def test_csv_row_flattens_the_json_contract(example):
    result, _ = example
    rows = [finding_row(f) for f in result.findings]
    contract = json.loads(golden_path("json").read_text(encoding="utf-8"))["findings"]
    for row, item in zip(rows, contract):
        assert row["suggestions"].split(" | ") == item["suggestions"]
        assert row["fix_replacement"] == (item["fix"] or {}).get("replacement", "")
        assert {k: row[k] for k in ("rule", "severity", "segment", "line", "start", "end", "text", "confidence")} == \
               {k: item[k] for k in ("rule", "severity", "segment", "line", "start", "end", "text", "confidence")}


# --- lazy imports ------------------------------------------------------------------------------

def test_report_modules_do_not_import_pandas_or_torch():
    code = (
        "from mtcheck.reporters import get_reporter, ReportContext\n"
        "from mtcheck.models import RunResult\n"
        "for fmt in ('markdown', 'html', 'csv'): get_reporter(fmt)\n"
        "for fmt in ('markdown', 'html'): get_reporter(fmt).render(RunResult((), (), 's'), ReportContext())\n"
    )
    assert modules_imported_by(code, ("pandas", "torch", "sentence_transformers")) == []


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_chunks_join_to_the_rendered_report(fmt, example):
    result, context = example
    reporter = get_reporter(fmt)
    assert "".join(reporter.chunks(result, context)) == reporter.render(result, context)
    empty = result_of([], [])
    assert "".join(get_reporter(fmt).chunks(empty, ReportContext())) == get_reporter(fmt).render(empty, ReportContext())


def test_json_report_streams_findings_in_bounded_batches(example):
    from mtcheck.reporters.json_reporter import ENCODED_BATCH, result_to_dict

    result, context = example
    many = dataclasses.replace(result, findings=result.findings * (2 * ENCODED_BATCH // len(result.findings) + 1))
    pieces = list(get_reporter("json").chunks(many, context))
    per_piece = [piece.count('"rule": ') for piece in pieces]
    # Never the whole report in one piece: at most ENCODED_BATCH findings a piece...
    assert max(per_piece) == ENCODED_BATCH and sum(per_piece) == len(many.findings) > 2 * ENCODED_BATCH
    assert max(len(piece) for piece in pieces) < len("".join(pieces)) / 2
    # ...and the same text as the standard library's encoder.
    assert "".join(pieces) == json.dumps(result_to_dict(many, context.version), ensure_ascii=False, indent=2) + "\n"


def test_html_report_streams_one_piece_per_segment_at_most(example):
    result, context = example
    pieces = list(get_reporter("html").chunks(result, context))
    articles = sum(piece.count("<article ") for piece in pieces)
    assert articles == len(build_correction_report(result, context).flagged) > 1
    assert all(piece.count("<article ") <= 1 and piece.count('<div class="corrected">') <= 1 for piece in pieces)


def test_cli_blocks_keep_the_text_and_bound_the_size():
    from mtcheck.cli import _blocks

    pieces = [f"piece {i}\n" for i in range(1000)]
    blocks = list(_blocks(pieces, size=100))
    assert "".join(blocks) == "".join(pieces)
    assert all(len(block) < 100 + 20 for block in blocks) and len(blocks) > 10
    assert list(_blocks([])) == []


class _Ancestors(HTMLParser):
    """The classes of the elements around each <table>, from the outermost in."""

    VOID = {"meta", "link", "br", "img", "hr", "input", "wbr", "col"}

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, str]] = []
        self.tables: list[tuple[str, list[str]]] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        classes = dict(attrs).get("class") or ""
        if tag == "table":
            self.tables.append((classes, [c for _, c in self.stack]))
        self.stack.append((tag, classes))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break


def test_html_rule_table_scrolls_inside_its_box_on_narrow_screens(example):
    result, context = example
    page = render("html", result, context)
    parser = _Ancestors()
    parser.feed(page)
    (parents,) = [parents for classes, parents in parser.tables if classes == "rules"]
    assert parents[-1] == "table-scroll"
    style = page.split("<style>", 1)[1].split("</style>", 1)[0]
    rule = style.split(".table-scroll {", 1)[1].split("}", 1)[0]
    assert "overflow-x: auto" in rule and "max-width: 100%" in rule


def test_html_font_stack_has_the_common_system_cjk_fonts(example):
    result, context = example
    style = render("html", result, context).split("<style>", 1)[1].split("</style>", 1)[0]
    body_font = style.split("font:", 1)[1].split(";", 1)[0]
    for font in ("Noto Sans CJK SC", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Source Han Sans SC", "WenQuanYi Micro Hei"):
        assert f'"{font}"' in body_font
    assert body_font.rstrip().endswith("sans-serif")
