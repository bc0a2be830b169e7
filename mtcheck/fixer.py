"""Apply fixes: sorted, non-overlapping edits, repeated until stable, written atomically."""

from __future__ import annotations

import difflib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Sequence

from .errors import InputError
from .models import Applicability, Edit, Finding, Segment


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
    from dataclasses import replace

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


def atomic_write(path: str | Path, data: bytes | Iterable[bytes]) -> None:
    """Write `data` (bytes, or consecutive pieces of bytes) to a temporary file beside
    `path`, fsync it, then rename over `path`."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    mode = path.stat().st_mode & 0o7777 if path.exists() else None
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            for piece in (data,) if isinstance(data, (bytes, bytearray)) else data:
                handle.write(piece)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    try:
        dir_fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def backup_path(path: str | Path) -> Path:
    """FILE.bak, or FILE.bak.N when earlier backups exist (a backup is never overwritten)."""
    path = Path(path)
    candidate = path.with_name(path.name + ".bak")
    number = 1
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.bak.{number}")
        number += 1
    return candidate


def write_fixed(path: str | Path, data: bytes, *, backup: bool) -> Path | None:
    """Replace `path` atomically, keeping a copy of the original first when asked."""
    saved = None
    if backup:
        saved = backup_path(path)
        try:
            shutil.copy2(path, saved)
        except OSError as exc:
            raise InputError(f"cannot write backup {saved}: {exc.strerror}", where=str(path), hint="use --no-backup or free the location") from None
    atomic_write(path, data)
    return saved
