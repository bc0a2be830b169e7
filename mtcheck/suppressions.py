"""Inline suppressions: `mtcheck: ignore[RULE,...]` comments inside translation files.

Where a comment can stand depends on the format (see docs/ci.md):

- PO: a translator comment `# mtcheck: ignore[GL001]` above the entry;
- XLIFF 1.2: a `<note>` of the trans-unit; XLIFF 2.0: a `<note>` of the unit (all its
  segments); TMX: a `<note>` of the tu or of the target tuv;
- Markdown: an HTML comment `<!-- mtcheck: ignore[GL001] -->` inside the paragraph, or
  on its own line(s) right before it.

Plain text, TSV/CSV and JSON have no comment syntax that would stay out of the
translation, so they take no inline suppressions: use a baseline file there.

`ignore[GL001,RP]` names rule codes or prefixes; a bare `mtcheck: ignore` suppresses every
rule. Readers put the parsed codes into `Segment.meta["suppress"]` ("GL001,RP" or "*");
the engine drops the matching findings and reports each suppression that matched
nothing as SP001 (unused-suppression), like ruff's unused-noqa.
"""

from __future__ import annotations

import re
from typing import Callable, Iterable, Sequence

from .models import Finding, Segment, Severity
from .registry import RULES, Rule, register_rule

UNUSED = "SP001"
ALL = "*"

register_rule(Rule(
    UNUSED, "unused-suppression", "suppression", Severity.WARNING,
    "An inline `mtcheck: ignore[...]` comment that suppressed nothing.",
    "The segment has an inline suppression comment (PO translator comment, XLIFF/TMX note, "
    "Markdown HTML comment) for rules that reported nothing in it: the problem was fixed or "
    "the comment names the wrong rule. Remove the comment so that it cannot hide a future "
    "finding. Only suppressions whose rules all ran are checked.",
))

_DIRECTIVE = re.compile(r"\bmtcheck:\s*ignore\b(?:\[([^\]]*)\])?", re.IGNORECASE)


def parse_directives(comment: str) -> tuple[str, ...]:
    """The rule codes (or ALL) that the comment suppresses; () when it has no directive."""
    codes: list[str] = []
    for match in _DIRECTIVE.finditer(comment):
        inside = match.group(1)
        if inside is None or not inside.strip():
            return (ALL,)
        codes.extend(code.strip().upper() for code in inside.split(",") if code.strip())
    return tuple(dict.fromkeys(codes))


def suppression_meta(comments: Iterable[str]) -> dict[str, str]:
    """`{"suppress": "GL001,RP"}` for a segment with these comments ({} when none)."""
    codes: list[str] = []
    for comment in comments:
        codes.extend(parse_directives(comment))
    if not codes:
        return {}
    return {"suppress": ALL if ALL in codes else ",".join(dict.fromkeys(codes))}


def suppressed_codes(segment: Segment) -> tuple[str, ...]:
    value = segment.meta.get("suppress", "") if segment.meta else ""
    return tuple(code for code in value.split(",") if code)


def _matches(pattern: str, rule: str) -> bool:
    return pattern == ALL or rule.startswith(pattern)


Reported = Callable[[Sequence[Finding]], Sequence[Finding]]


def apply_suppressions(segments: Sequence[Segment], findings: Sequence[Finding], enabled: set[str], reported: Reported | None = None) -> tuple[list[Finding], list[tuple[Segment, str]]]:
    """Drop findings suppressed inline. Returns the kept findings and (segment, pattern)
    for every suppression pattern that matched nothing although all its rules ran.

    `reported` picks, from all findings, those a report would show without suppressions
    (the engine drops findings nested in longer ones): only those use a suppression, so
    `ignore[GL001]` over a GL001 hit that would not have been shown is still unused."""
    patterns = {(s.file, s.id): suppressed_codes(s) for s in segments if s.meta and s.meta.get("suppress")}
    if not patterns:
        return list(findings), []

    def matching(finding: Finding) -> list[str]:
        return [p for p in patterns.get((finding.file, finding.segment), ()) if _matches(p, finding.rule)]

    used: set[tuple[str, str, str]] = set()
    for finding in reported(findings) if reported else findings:
        used.update((finding.file, finding.segment, p) for p in matching(finding))
    kept = [finding for finding in findings if not matching(finding)]
    unused: list[tuple[Segment, str]] = []
    for segment in segments:
        for pattern in patterns.get((segment.file, segment.id), ()):
            if (segment.file, segment.id, pattern) in used:
                continue
            # Unknown codes are reported too; known ones only when every rule they name ran.
            rules = [code for code in RULES if code != UNUSED and _matches(pattern, code)]
            if all(code in enabled for code in rules):
                unused.append((segment, pattern))
    return kept, unused


def unused_message(pattern: str) -> str:
    what = "any rule" if pattern == ALL else pattern
    return f"unused suppression: no {what} finding in this segment (remove the `mtcheck: ignore` comment)"


def suppress_inline(segments: Sequence[Segment], findings: Sequence[Finding], context, reported: Reported | None = None) -> list[Finding]:
    """The engine's suppression step: findings minus the suppressed ones, plus an SP001
    finding for each unused suppression (when SP001 is enabled)."""
    from .context import make_finding

    kept, unused = apply_suppressions(segments, findings, context.enabled, reported)
    if context.wants(UNUSED):
        kept.extend(make_finding(UNUSED, segment, 0, 0, unused_message(pattern), options=context.options) for segment, pattern in unused)
    return kept
