"""JUnit XML for CI test-report views (GitLab, Jenkins, Azure, CircleCI).

One <testsuite> per file, one <testcase> per checked segment (classname = the file,
name = "line N: segment ID"). A segment with findings at or above --fail-on fails, with
one <failure> listing them; findings below the threshold go to the testcase's
<system-out>. With --fail-on never nothing fails. Characters that XML 1.0 cannot hold
(control characters from ids, file names or text) are written as visible escapes (\x1b).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ..models import Finding, RunResult, Severity
from ..visible import xml_safe
from .base import ReportContext, Reporter, findings_by_segment


def _describe(finding: Finding) -> str:
    where = f"{finding.file}:{finding.line}:{finding.column}" if finding.line else f"{finding.file} segment {finding.segment}"
    suggestion = f" -> {finding.suggestions[0]}" if finding.suggestions else ""
    return f"{where}: {finding.severity.value} {finding.rule} {finding.message}{suggestion}"


def _failing(findings: list[Finding], fail_on: Severity | None) -> list[Finding]:
    if fail_on is None:
        return []
    return [f for f in findings if f.severity.rank >= fail_on.rank]


def result_to_junit(result: RunResult, fail_on: Severity | None) -> ET.Element:
    grouped = findings_by_segment(result)
    root = ET.Element("testsuites", name="mtcheck")
    suites: dict[str, ET.Element] = {}
    totals = {"tests": 0, "failures": 0}
    for segment in result.segments:
        suite = suites.get(segment.file)
        if suite is None:
            suite = suites[segment.file] = ET.SubElement(root, "testsuite", name=segment.file, tests="0", failures="0", errors="0", skipped="0")
        where = f"line {segment.line}: " if segment.line else ""
        case = ET.SubElement(suite, "testcase", classname=segment.file, name=f"{where}segment {segment.id}")
        findings = grouped.get((segment.file, segment.id), [])
        failing = _failing(findings, fail_on)
        suite.set("tests", str(int(suite.get("tests")) + 1))
        totals["tests"] += 1
        if failing:
            worst = max(failing, key=lambda f: f.severity.rank)
            failure = ET.SubElement(case, "failure", message=f"{len(failing)} finding(s): {worst.rule} {worst.message}", type=worst.rule)
            failure.text = "\n".join(_describe(f) for f in failing)
            suite.set("failures", str(int(suite.get("failures")) + 1))
            totals["failures"] += 1
        rest = [f for f in findings if f not in failing]
        if rest:
            ET.SubElement(case, "system-out").text = "\n".join(_describe(f) for f in rest)
    root.set("tests", str(totals["tests"]))
    root.set("failures", str(totals["failures"]))
    return xml_safe_tree(root)


def xml_safe_tree(root: ET.Element) -> ET.Element:
    """`root` with every text, tail and attribute value made XML-safe (in place)."""
    for element in root.iter():
        if element.text:
            element.text = xml_safe(element.text)
        if element.tail:
            element.tail = xml_safe(element.tail)
        for key, value in element.attrib.items():
            element.set(key, xml_safe(value))
    return root


class JunitReporter(Reporter):
    name = "junit"
    extension = "xml"

    def __init__(self, fail_on: Severity | None = Severity.ERROR):
        self.fail_on = fail_on

    def render(self, result: RunResult, context: ReportContext) -> str:
        root = result_to_junit(result, self.fail_on)
        ET.indent(root)
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
