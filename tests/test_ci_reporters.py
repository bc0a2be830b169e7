"""CI output formats: SARIF 2.1.0 (validated against the official schema), JUnit XML,
GitHub Actions annotations and JSON Lines; golden files for each."""

from __future__ import annotations

import contextlib
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from mtcheck import check_segments
from mtcheck.models import Severity
from mtcheck.readers import read_segments
from mtcheck.registry import all_rules
from mtcheck.reporters import ReportContext, get_reporter
from mtcheck.reporters.github import annotation, escape_data, escape_property
from mtcheck.reporters.junit import JunitReporter

from .formats_util import CLI_BASE, FORMATS_DIR, TESTS, assert_golden, invoke, options

SCHEMA = json.loads((TESTS / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
FILES = ("news.po", "news.md", "news.xlf")
CI_FORMATS = {"sarif": "report.sarif", "junit": "report.junit.xml", "github": "report.github.txt", "jsonl": "report.jsonl"}


@pytest.fixture(scope="module")
def result():
    with contextlib.chdir(FORMATS_DIR):  # relative paths everywhere, so the golden files are portable
        segments = [s for name in FILES for s in read_segments(name)]
        return check_segments(segments, options(glossaries=("glossary.csv",)))


def render(fmt: str, result) -> str:
    return get_reporter(fmt).render(result, ReportContext())


def stable_sarif(text: str) -> str:
    """The report without what changes with the checkout (absolute path) or with other
    rule modules (the full rule table and indexes into it; tested separately below)."""
    data = json.loads(text)
    run = data["runs"][0]
    run.pop("originalUriBaseIds")
    used = {item["ruleId"] for item in run["results"]}
    run["tool"]["driver"]["rules"] = sorted(used)
    for item in run["results"]:
        item.pop("ruleIndex")
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


@pytest.mark.parametrize("fmt", CI_FORMATS)
def test_ci_report_matches_golden_file(fmt, result):
    text = render(fmt, result)
    assert_golden(CI_FORMATS[fmt], stable_sarif(text) if fmt == "sarif" else text)


def test_golden_reports_have_findings_from_every_file(result):
    assert {Path(f.file).name for f in result.findings} == set(FILES)
    assert any(f.rule == "SP001" for f in result.findings)


# --- SARIF -----------------------------------------------------------------------------------

def test_sarif_validates_against_the_official_schema(result):
    data = json.loads(render("sarif", result))
    jsonschema.validate(data, SCHEMA)
    run = data["runs"][0]
    assert data["version"] == "2.1.0" and run["columnKind"] == "unicodeCodePoints"
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == [rule.code for rule in all_rules()]
    assert len(run["results"]) == len(result.findings)
    rules = run["tool"]["driver"]["rules"]
    assert all(rules[item["ruleIndex"]]["id"] == item["ruleId"] for item in run["results"])


def test_sarif_without_findings_is_valid():
    empty = check_segments([], options())
    data = json.loads(render("sarif", empty))
    jsonschema.validate(data, SCHEMA)
    assert data["runs"][0]["results"] == []


def test_sarif_schema_rejects_a_broken_report(result):
    data = json.loads(render("sarif", result))
    data["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, SCHEMA)


def test_sarif_results_point_at_the_text(result):
    data = json.loads(render("sarif", result))
    for item, finding in zip(data["runs"][0]["results"], result.findings):
        region = item["locations"][0]["physicalLocation"]["region"]
        assert item["ruleId"] == finding.rule
        assert item["level"] == {"error": "error", "warning": "warning", "info": "note"}[finding.severity.value]
        assert (region["startLine"], region["startColumn"]) == (finding.line, finding.column)
        assert region["snippet"]["text"] == finding.text
        line = (FORMATS_DIR / finding.file).read_text(encoding="utf-8").split("\n")[finding.line - 1]
        if "\n" not in finding.text and finding.text:
            assert line[region["startColumn"] - 1:region["endColumn"] - 1] == finding.text
        assert item["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == finding.file
        assert len(item["partialFingerprints"]["mtcheck/v1"]) == 24


# --- GitHub annotations ------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text,data,prop",
    [
        ("plain", "plain", "plain"),
        ("50% off", "50%25 off", "50%25 off"),
        ("a\nb\r\nc", "a%0Ab%0D%0Ac", "a%0Ab%0D%0Ac"),
        ("x: y, z", "x: y, z", "x%3A y%2C z"),
        ("%0A", "%250A", "%250A"),
    ],
)
def test_github_escaping(text, data, prop):
    assert escape_data(text) == data
    assert escape_property(text) == prop


ANNOTATION = re.compile(r"^::(error|warning|notice) file=[^,:]+,line=\d+,col=\d+(,endColumn=\d+)?,title=[^,:]+::[^\n\r]*$")


def test_github_annotations_are_one_line_each(result):
    lines = render("github", result).splitlines()
    assert len(lines) == len(result.findings) + 1
    for line in lines[:-1]:
        assert ANNOTATION.match(line), line
    assert lines[-1].startswith("mtcheck: ")


def test_github_annotation_escapes_message_and_properties():
    from mtcheck.models import Finding

    finding = Finding(rule="GL001", category="mistranslation", severity=Severity.INFO, message="50%\nbad", segment="1",
                      file="dir,a:b.txt", line=3, column=4, start=0, end=6, text="millet", name="x")
    assert annotation(finding) == "::notice file=dir%2Ca%3Ab.txt,line=3,col=4,endColumn=10,title=mtcheck GL001 (x)::50%25%0Abad"


# --- JUnit -------------------------------------------------------------------------------------

def test_junit_one_testcase_per_segment_with_failures_at_fail_on(result):
    root = ET.fromstring(render("junit", result))
    cases = root.findall("./testsuite/testcase")
    assert len(cases) == len(result.segments) == int(root.get("tests"))
    failing_segments = {(f.file, f.segment) for f in result.findings if f.severity is Severity.ERROR}
    assert int(root.get("failures")) == len(failing_segments) == len(root.findall(".//failure"))
    suites = {suite.get("name"): suite for suite in root.findall("testsuite")}
    assert set(suites) == set(FILES)


def test_junit_fail_on_warning_and_never(result):
    warning = ET.fromstring(JunitReporter(Severity.WARNING).render(result, ReportContext()))
    never = ET.fromstring(JunitReporter(None).render(result, ReportContext()))
    failing = {(f.file, f.segment) for f in result.findings if f.severity.rank >= Severity.WARNING.rank}
    assert int(warning.get("failures")) == len(failing)
    assert never.get("failures") == "0" and never.findall(".//failure") == []
    assert len(never.findall(".//system-out")) == len({(f.file, f.segment) for f in result.findings})


def test_junit_fail_on_comes_from_the_command_line():
    path = str(FORMATS_DIR / "news.po")
    loud = invoke(["check", path, *CLI_BASE, "--format", "junit"])
    quiet = invoke(["check", path, *CLI_BASE, "--format", "junit", "--fail-on", "never"])
    assert ET.fromstring(loud.stdout).get("failures") != "0" and loud.exit_code == 1
    assert ET.fromstring(quiet.stdout).get("failures") == "0" and quiet.exit_code == 0


# --- JSON Lines --------------------------------------------------------------------------------

def test_jsonl_lines_are_the_json_contract_findings(result):
    lines = render("jsonl", result).splitlines()
    contract = json.loads(render("json", result))["findings"]
    assert [json.loads(line) for line in lines] == contract


def test_jsonl_is_empty_without_findings():
    assert render("jsonl", check_segments([], options())) == ""


@pytest.mark.parametrize("fmt", CI_FORMATS)
def test_ci_formats_stream_to_stdout_and_keep_exit_codes(fmt, tmp_path):
    path = str(FORMATS_DIR / "news.po")
    outcome = invoke(["check", path, *CLI_BASE, "--format", fmt])
    assert outcome.exit_code == 1 and outcome.stdout
    out = tmp_path / f"report.{fmt}"
    written = invoke(["check", path, *CLI_BASE, "--format", fmt, "--output", str(out)])
    assert written.exit_code == 1 and out.read_text(encoding="utf-8").splitlines()[-1] == outcome.stdout.splitlines()[-1]


@pytest.mark.parametrize(
    "path,uri",
    [("docs/zh.po", "docs/zh.po"), ("my docs/zh#1.po", "my%20docs/zh%231.po"), ("<text>", "text")],
)
def test_sarif_artifact_uris(path, uri):
    from mtcheck.reporters.sarif import artifact_uri

    assert artifact_uri(path) == uri


def test_sarif_uri_outside_the_current_folder_is_absolute(tmp_path, monkeypatch):
    from mtcheck.reporters.sarif import artifact_uri

    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path / "here")
    assert artifact_uri(str(tmp_path / "there" / "a.po")) == (tmp_path / "there" / "a.po").as_uri()
