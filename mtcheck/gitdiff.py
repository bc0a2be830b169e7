"""`--diff REF`: report only findings in segments that changed against a git revision.

For each checked file, git gives the file as it was at REF (`git show REF:./FILE`); both
versions are read with the same reader, and a segment counts as changed when its target
text does not occur in the old version (counting repeats, so a second copy of an old line
is new). Comparing text rather than ids or line numbers means moved lines and reordered
units are not "changed"; an edited unit is. A file that did not exist at REF is all new.
The whole file is still checked, so document-level rules see the full context; only the
findings are filtered.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections import Counter
from pathlib import Path
from typing import Callable, Iterable, Sequence

from .errors import MtcheckError
from .models import Finding, Segment


class GitError(MtcheckError):
    """git could not answer a --diff question."""


def _git(args: Sequence[str], cwd: Path) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise GitError("--diff needs git, and no git executable was found", hint="install git or drop --diff") from None


def verify_ref(ref: str, folder: Path) -> None:
    result = _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], folder)
    if result.returncode != 0:
        inside = _git(["rev-parse", "--is-inside-work-tree"], folder)
        if inside.returncode != 0:
            raise GitError("not inside a git repository", where=str(folder), hint="--diff compares against a git revision; run mtcheck in the repository")
        raise GitError(f"unknown git revision {ref!r}", where=str(folder), hint="use a branch, tag or commit, e.g. --diff origin/main")


def file_at_ref(path: str, ref: str) -> bytes | None:
    """The file's bytes at `ref`, or None when it did not exist there."""
    file = Path(path)
    folder = file.resolve().parent
    verify_ref(ref, folder)
    result = _git(["show", f"{ref}:./{file.name}"], folder)
    return result.stdout if result.returncode == 0 else None


def old_segments(path: str, ref: str, read: Callable[[str], list[Segment]]) -> list[Segment]:
    """The segments of `path` as it was at `ref` (read with `read`), [] for a new file."""
    data = file_at_ref(path, ref)
    if data is None:
        return []
    with tempfile.TemporaryDirectory(prefix="mtcheck-diff-") as folder:
        old = Path(folder) / Path(path).name
        old.write_bytes(data)
        try:
            return read(str(old))
        except MtcheckError:
            return []  # unreadable then (e.g. empty): everything counts as changed


def changed_segments(current: Iterable[Segment], old: Iterable[Segment]) -> set[tuple[str, str]]:
    """(file, id) of each current segment whose target is not in the old version."""
    available = Counter(segment.target for segment in old)
    changed: set[tuple[str, str]] = set()
    for segment in current:
        if available[segment.target] > 0:
            available[segment.target] -= 1
        else:
            changed.add((segment.file, segment.id))
    return changed


def only_changed(findings: Iterable[Finding], changed: set[tuple[str, str]]) -> list[Finding]:
    return [f for f in findings if (f.file, f.segment) in changed]
