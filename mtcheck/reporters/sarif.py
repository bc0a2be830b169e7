"""SARIF 2.1.0 for code-scanning dashboards (GitHub code scanning, Azure DevOps, ...).

One run with every rule in `tool.driver.rules`; one result per finding with its region
(1-based line and column in Unicode code points, `columnKind` says so), the segment as a
logical location, a `partialFingerprints` entry (the baseline fingerprint, so dashboards
track a finding across moved lines) and the suggestions and confidence as properties.
File URIs are relative to the current folder (`%SRCROOT%`). SARIF `fixes` are not
emitted: for formats with escapes (XML entities, PO/JSON backslashes) a target offset is
not a file column, and an inexact replacement region would corrupt the file.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

from ..gcpause import gc_paused
from ..models import Finding, RunResult, Segment, Severity
from .base import ReportContext, Reporter

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/mtcheck/"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def artifact_uri(path: str) -> str:
    if path.startswith("<"):
        return path.strip("<>") or "stdin"
    from ..baseline import relative_file

    relative = relative_file(path, ".")
    if relative.startswith("../"):
        return Path(os.path.abspath(path)).as_uri()
    return quote(relative, safe="/")  # a URI reference: "my docs/zh.po" -> "my%20docs/zh.po"


def _rules() -> list[dict]:
    from ..registry import all_rules

    return [
        {
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": rule.explanation},
            "defaultConfiguration": {"level": LEVELS[rule.severity]},
            "properties": {"category": rule.category, "fixable": rule.fixable},
        }
        for rule in all_rules()
    ]


def end_position(finding: Finding, segment: Segment | None) -> tuple[int, int] | None:
    """1-based (line, column) just after the flagged text, None without line numbers."""
    if finding.line is None or finding.column is None:
        return None
    if segment is not None and finding.end > finding.start:
        from ..context import position

        line, column = position(segment, finding.end - 1)  # the last flagged character
        if line is not None and column is not None:
            return line, column + 1
    lines = finding.text.split("\n")
    return finding.line + len(lines) - 1, (finding.column if len(lines) == 1 else 1) + len(lines[-1])


def segments_by_key(result: RunResult) -> dict[tuple[str, str], Segment]:
    return {(segment.file, segment.id): segment for segment in result.segments}


def _region(finding: Finding, segment: Segment | None) -> dict:
    region: dict = {"snippet": {"text": finding.text}}
    end = end_position(finding, segment)
    if end is None:
        return region
    region["startLine"] = finding.line
    region["startColumn"] = finding.column
    region["endLine"], region["endColumn"] = end
    return region


def _result(finding: Finding, index: dict[str, int], fingerprint: str, segment: Segment | None, uri: str) -> dict:
    message = finding.message
    if finding.suggestions:
        message += f" Suggestion: {finding.suggestions[0]}"
    location = {
        "physicalLocation": {"artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"}, "region": _region(finding, segment)},
        "logicalLocations": [{"name": finding.segment, "kind": "element"}],
    }
    result = {
        "ruleId": finding.rule,
        "level": LEVELS[finding.severity],
        "message": {"text": message},
        "locations": [location],
        "partialFingerprints": {"mtcheck/v1": fingerprint},
        "properties": {"confidence": finding.confidence, "segment": finding.segment, "suggestions": list(finding.suggestions), "evidence": list(finding.evidence)},
    }
    if finding.rule in index:
        result["ruleIndex"] = index[finding.rule]
    return result


def result_to_sarif(result: RunResult, version: str) -> dict:
    from ..baseline import fingerprints

    rules = _rules()
    segments = segments_by_key(result)
    index = {rule["id"]: number for number, rule in enumerate(rules)}
    uris: dict[str, str] = {}  # one artifact_uri per file, not per finding
    results = []
    for finding, print_ in zip(result.findings, fingerprints(result)):
        if finding.file not in uris:
            uris[finding.file] = artifact_uri(finding.file)
        results.append(_result(finding, index, print_, segments.get((finding.file, finding.segment)), uris[finding.file]))
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "mtcheck", "version": version, "informationUri": INFORMATION_URI, "rules": rules}},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": Path(os.getcwd()).as_uri() + "/"}},
            "columnKind": "unicodeCodePoints",
            "results": results,
            "properties": {"signature": result.signature, "segments": len(result.segments)},
        }],
    }


class SarifReporter(Reporter):
    name = "sarif"
    extension = "sarif"

    def render(self, result: RunResult, context: ReportContext) -> str:
        return "".join(self.chunks(result, context))

    def chunks(self, result: RunResult, context: ReportContext):
        from .json_reporter import report_chunks

        # The text of json.dumps(indent=2, ensure_ascii=False), from the report encoder; the
        # document (ten dicts a finding, no cycles) is built with the collector paused.
        with gc_paused():
            document = result_to_sarif(result, context.version)
        yield from report_chunks(document, end="\n")
