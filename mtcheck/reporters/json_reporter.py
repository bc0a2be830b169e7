"""JSON: the stable machine-readable contract (documented in README)."""

from __future__ import annotations

import json

from ..models import Finding, RunResult
from .base import ReportContext, Reporter, severity_counts


def finding_to_dict(finding: Finding) -> dict:
    fix = None
    if finding.fix is not None:
        fix = {"replacement": finding.fix.replacement, "applicability": finding.fix.applicability.value}
    return {
        "rule": finding.rule,
        "category": finding.category,
        "severity": finding.severity.value,
        "file": finding.file,
        "segment": finding.segment,
        "line": finding.line,
        "column": finding.column,
        "start": finding.start,
        "end": finding.end,
        "text": finding.text,
        "message": finding.message,
        "suggestions": list(finding.suggestions),
        "confidence": finding.confidence,
        "fix": fix,
        "evidence": list(finding.evidence),
    }


def result_to_dict(result: RunResult, version: str) -> dict:
    out = {
        "tool": "mtcheck",
        "version": version,
        "signature": result.signature,
        "summary": {
            "segments": len(result.segments),
            "findings": len(result.findings),
            "by_severity": severity_counts(result),
            "by_rule": result.count_by("rule"),
            "score": result.overall_score,
        },
        "findings": [finding_to_dict(f) for f in result.findings],
    }
    if result.extras.get("metrics"):
        out["metrics"] = result.extras["metrics"]  # only when a reference was given
    return out


class JsonReporter(Reporter):
    name = "json"
    extension = "json"

    def render(self, result: RunResult, context: ReportContext) -> str:
        return dumps_report(result_to_dict(result, context.version)) + "\n"


_FINDINGS_SLOT = "\x00mtcheck-findings\x00"


def dumps_report(document: dict) -> str:
    """json.dumps(document, ensure_ascii=False, indent=2), with the findings encoded one by
    one: encoding 200k findings in one call holds about 1 GB of small string pieces."""
    findings = document.get("findings")
    if not findings:
        return json.dumps(document, ensure_ascii=False, indent=2)
    slot = '"findings": ' + json.dumps(_FINDINGS_SLOT)
    head = json.dumps({**document, "findings": _FINDINGS_SLOT}, ensure_ascii=False, indent=2)
    parts = []
    for index, finding in enumerate(findings):
        # Encoded strings never contain a raw newline, so re-indenting by lines is exact.
        parts.append("    " + json.dumps(finding, ensure_ascii=False, indent=2).replace("\n", "\n    "))
        findings[index] = None  # free each dict once encoded
    return head.replace(slot, '"findings": [\n' + ",\n".join(parts) + "\n  ]", 1)
