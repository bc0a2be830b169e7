"""Apply fixes: sorted, non-overlapping edits, repeated until stable, in the file's encoding
(writing them is mtcheck.safeio's job)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, replace
from typing import Callable, Iterable, Sequence

from .errors import InputError
from .models import Applicability, Edit, Finding, Segment
from .visible import visible


@dataclass(frozen=True)
class EditOutcome:
    text: str
    applied: tuple[Edit, ...]
    skipped: tuple[Edit, ...]


def apply_edits(text: str, edits: Iterable[Edit]) -> EditOutcome:
    """Apply edits to `text`, keeping the first of any overlapping pair (by start, then
    shortest). Offsets refer to the original text."""
    accepted: list[Edit] = []
    skipped: list[Edit] = []
    last_end = -1
    for edit in sorted(set(edits), key=lambda e: (e.start, e.end, e.replacement)):
        if not (0 <= edit.start <= edit.end <= len(text)):
            skipped.append(edit)
            continue
        if accepted:
            previous = accepted[-1]
            same_insertion_point = edit.start == edit.end == previous.start == previous.end
            if edit.start < last_end or same_insertion_point:
                skipped.append(edit)
                continue
        accepted.append(edit)
        last_end = max(last_end, edit.end)
    pieces: list[str] = []
    position = 0
    for edit in accepted:
        pieces.append(text[position:edit.start])
        pieces.append(edit.replacement)
        position = edit.end
    pieces.append(text[position:])
    return EditOutcome("".join(pieces), tuple(accepted), tuple(skipped))


def fixable(finding: Finding, unsafe: bool) -> bool:
    if finding.fix is None:
        return False
    return unsafe or finding.fix.applicability is Applicability.SAFE


def edits_by_segment(findings: Iterable[Finding], unsafe: bool = False) -> dict[str, list[Edit]]:
    """The edits of every fixable finding, by segment id (the findings of one file)."""
    edits: dict[str, list[Edit]] = {}
    for finding in findings:
        if fixable(finding, unsafe):
            edits.setdefault(finding.segment, []).extend(finding.fix.edits)
    return edits


def corrected_targets(segments: Iterable[Segment], findings: Iterable[Finding], unsafe: bool = True) -> dict[tuple[str, str], str]:
    """Every segment's target with its suggested fixes applied (safe and unsafe by
    default: what the reports show), keyed by (file, segment id). One pass over the
    findings, then one over the segments: linear in both."""
    edits: dict[tuple[str, str], list[Edit]] = {}
    for finding in findings:
        if fixable(finding, unsafe):
            edits.setdefault((finding.file, finding.segment), []).extend(finding.fix.edits)
    corrected: dict[tuple[str, str], str] = {}
    for segment in segments:
        key = (segment.file, segment.id)
        found = edits.get(key)
        corrected[key] = apply_edits(segment.target, found).text if found else segment.target
    return corrected


def fix_targets(segments: Sequence[Segment], findings: Iterable[Finding], unsafe: bool = False) -> dict[str, str]:
    """New target text for every segment that a fix changes, keyed by segment id."""
    edits = edits_by_segment(findings, unsafe)
    changed: dict[str, str] = {}
    for segment in segments:
        if segment.id in edits:
            new = apply_edits(segment.target, edits[segment.id]).text
            if new != segment.target:
                changed[segment.id] = new
    return changed


def fix_until_stable(
    segments: Sequence[Segment],
    check: Callable[[Sequence[Segment]], Sequence[Finding]],
    unsafe: bool = False,
    max_passes: int = 10,
) -> tuple[list[Segment], int]:
    """Check, fix, re-check the fixed text, until no fix changes anything. Returns the fixed
    segments and the number of passes that changed something."""
    current = list(segments)
    passes = 0
    for _ in range(max_passes):
        changed = fix_targets(current, check(current), unsafe)
        if not changed:
            break
        passes += 1
        current = [replace(s, target=changed[s.id]) if s.id in changed else s for s in current]
    return current, passes


def unified_diff(path: str, before: str, after: str) -> str:
    return "".join(difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True),
        fromfile=f"a/{path}", tofile=f"b/{path}",
    ))


class EncodableFixes:
    """A filter for the findings a fix pass applies: fixes whose replacement the file's
    encoding cannot hold (an em dash in a latin-1 file) are left out, and remembered so
    that each can be named in a warning."""

    def __init__(self, encoding: str):
        self.encoding = encoding
        self.skipped: dict[tuple, tuple[Finding, str]] = {}

    def __call__(self, findings: Sequence[Finding]) -> list[Finding]:
        kept: list[Finding] = []
        for finding in findings:
            bad = self._unencodable(finding)
            if bad is None:
                kept.append(finding)
                continue
            key = (finding.file, finding.segment, finding.rule, finding.start, finding.end, finding.text)
            self.skipped.setdefault(key, (finding, bad))
            kept.append(replace(finding, fix=None))
        return kept

    def _unencodable(self, finding: Finding) -> str | None:
        """The first character of the finding's fix that the encoding cannot hold."""
        if finding.fix is None:
            return None
        for edit in finding.fix.edits:
            for char in edit.replacement:
                if not _encodes(char, self.encoding):
                    return char
        return None

    def warnings(self) -> list[str]:
        return [
            visible(f"{finding.file}: segment {finding.segment}: {finding.rule} fix not applied: "
                    f"{self.encoding} cannot encode {char!r} (U+{ord(char):04X}) (fix it by hand)")
            for finding, char in self.skipped.values()
        ]


def _encodes(char: str, encoding: str) -> bool:
    try:
        char.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def encode_fixed(text: str, encoding: str, where: str) -> bytes:
    """The fixed text in the file's encoding; a one-line error (nothing written) when a
    character cannot be encoded."""
    try:
        return text.encode(encoding)
    except UnicodeEncodeError as exc:
        char = exc.object[exc.start]
        raise InputError(f"the fixed text has {char!r} (U+{ord(char):04X}), which {encoding} cannot encode; nothing written", where=where, hint="fix it by hand") from None
