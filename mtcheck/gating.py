"""What a CI run reports: the check result narrowed by a baseline and by `--diff REF`.

Order matters: the baseline is matched against every finding first (so its unused
entries are exact), then `--diff` keeps only findings in segments changed since REF.
Returns the narrowed result and one-line notes for stderr.
"""

from __future__ import annotations

from typing import Callable, Sequence

from .baseline import apply_baseline, describe_unused, load_baseline, restrict
from .gitdiff import changed_segments, old_segments, only_changed
from .models import RunResult, Segment


def narrow_result(
    result: RunResult,
    files: Sequence[str],
    *,
    baseline: str | None,
    diff_ref: str | None,
    read: Callable[[str], list[Segment]],
) -> tuple[RunResult, list[str]]:
    notes: list[str] = []
    if baseline:
        outcome = apply_baseline(result, load_baseline(baseline))
        result = restrict(result, outcome.new)
        if outcome.known:
            notes.append(f"{len(outcome.known)} finding(s) already in the baseline {baseline} not reported")
        if outcome.unused:
            unmatched = sum(entry.count for entry in outcome.unused)
            notes.append(f"{unmatched} baseline entr{'y' if unmatched == 1 else 'ies'} in {baseline} matched nothing (fixed or edited); refresh with `mtcheck baseline create`:")
            notes.extend(f"  unused baseline entry: {line}" for line in describe_unused(outcome.unused))
    if diff_ref:
        changed: set[tuple[str, str]] = set()
        for path in dict.fromkeys(files):
            current = [segment for segment in result.segments if segment.file == path]
            changed |= changed_segments(current, old_segments(path, diff_ref, read))
        result = restrict(result, only_changed(result.findings, changed))
        notes.append(f"--diff {diff_ref}: {len(changed)} of {len(result.segments)} segment(s) changed; findings elsewhere not reported")
    return result, notes
