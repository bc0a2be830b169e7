"""Baseline files: accept today's findings, fail CI only on new ones.

`mtcheck baseline create FILES` records a fingerprint for every finding; `mtcheck check
--baseline FILE` (or `baseline = FILE` in the configuration) then drops findings whose
fingerprint is in the baseline. A fingerprint is a hash of

    rule code + file (relative to the baseline's folder) + the flagged text (case and
    spacing folded) + a hash of the whole segment's target text (spacing folded)

and no line number, column or segment id, so it survives lines moving, units being
reordered and other segments being edited. Editing the segment itself gives its findings
new fingerprints: they are reported again, which is the point. Identical findings are
counted, so a baseline with one "millet" in a segment does not hide a second one.
Entries that no longer match anything are reported so the baseline can be refreshed.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from . import __version__
from .errors import ConfigError
from .models import Finding, RunResult
from .visible import excerpt

FORMAT_VERSION = 1
DEFAULT_PATH = ".mtcheck-baseline.json"
FINGERPRINT_KEY = "mtcheck/v1"


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def content_hash(target: str) -> str:
    return hashlib.sha256(" ".join(target.split()).encode("utf-8")).hexdigest()[:16]


def relative_file(path: str, base: str | Path) -> str:
    """`path` relative to the folder `base`, with forward slashes (as given when it is
    not a real path, e.g. "<text>")."""
    if path.startswith("<"):
        return path
    try:
        relative = os.path.relpath(os.path.abspath(path), os.path.abspath(base))
    except ValueError:  # another drive on Windows
        relative = os.path.abspath(path)
    return Path(relative).as_posix()


def fingerprint(finding: Finding, target: str, file: str) -> str:
    key = "\x1f".join((finding.rule, file, _fold(finding.text), content_hash(target)))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]


def segment_targets(result: RunResult) -> dict[tuple[str, str], str]:
    return {(segment.file, segment.id): segment.target for segment in result.segments}


def fingerprints(result: RunResult, base: str | Path = ".") -> list[str]:
    """One fingerprint per finding of `result`, in order, files taken relative to `base`."""
    targets = segment_targets(result)
    files: dict[str, str] = {}  # a run has few files and many findings: resolve each path once
    for finding in result.findings:
        if finding.file not in files:
            files[finding.file] = relative_file(finding.file, base)
    return [fingerprint(f, targets.get((f.file, f.segment), ""), files[f.file]) for f in result.findings]


@dataclass(frozen=True)
class BaselineEntry:
    fingerprint: str
    rule: str
    file: str
    text: str
    count: int = 1


@dataclass(frozen=True)
class Baseline:
    path: str
    entries: tuple[BaselineEntry, ...]

    @property
    def folder(self) -> Path:
        return Path(self.path).resolve().parent

    def counts(self) -> Counter:
        counts: Counter = Counter()
        for entry in self.entries:
            counts[entry.fingerprint] += entry.count
        return counts


def build_baseline(result: RunResult, path: str) -> Baseline:
    folder = Path(path).resolve().parent
    grouped: dict[str, BaselineEntry] = {}
    for finding, print_ in zip(result.findings, fingerprints(result, folder)):
        entry = grouped.get(print_)
        if entry is None:
            grouped[print_] = BaselineEntry(print_, finding.rule, relative_file(finding.file, folder), finding.text)
        else:
            grouped[print_] = BaselineEntry(print_, entry.rule, entry.file, entry.text, entry.count + 1)
    entries = sorted(grouped.values(), key=lambda e: (e.file, e.rule, e.text.casefold(), e.fingerprint))
    return Baseline(path, tuple(entries))


def dump_baseline(baseline: Baseline) -> str:
    data = {
        "tool": "mtcheck",
        "baseline_format": FORMAT_VERSION,
        "mtcheck_version": __version__,
        "findings": [
            {"fingerprint": e.fingerprint, "rule": e.rule, "file": e.file, "text": e.text, "count": e.count}
            for e in baseline.entries
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a JSON value")


def _integer(digits: str) -> int:
    if len(digits) > 100:  # a count or version; Python refuses to convert over 4300 digits
        raise ValueError(f"an integer of {len(digits)} digits")
    return int(digits)


def load_baseline(path: str) -> Baseline:
    file = Path(path)
    if not file.is_file():
        raise ConfigError("baseline file not found", where=path, hint="create it with `mtcheck baseline create FILES`")
    try:
        data = json.loads(file.read_text(encoding="utf-8"), parse_constant=_refuse_constant, parse_int=_integer)
    except (UnicodeDecodeError, ValueError) as exc:  # ValueError: bad JSON, NaN, a huge integer
        raise ConfigError(f"baseline is not valid JSON ({exc})", where=path, hint="recreate it with `mtcheck baseline create`") from None
    except RecursionError:
        raise ConfigError("baseline is not valid JSON (nested too deeply)", where=path, hint="recreate it with `mtcheck baseline create`") from None
    except OSError as exc:
        raise ConfigError(f"cannot read baseline: {exc.strerror}", where=path) from None
    if not isinstance(data, dict) or data.get("tool") != "mtcheck" or not isinstance(data.get("findings"), list):
        raise ConfigError("not an mtcheck baseline (no tool/findings keys)", where=path, hint="recreate it with `mtcheck baseline create`")
    if data.get("baseline_format") != FORMAT_VERSION:
        raise ConfigError(f"unsupported baseline format {excerpt(data.get('baseline_format'))}", where=path, hint="recreate it with this mtcheck version")
    entries = []
    for number, item in enumerate(data["findings"], start=1):
        try:
            entries.append(BaselineEntry(str(item["fingerprint"]), str(item["rule"]), str(item["file"]), str(item.get("text", "")), int(item.get("count", 1))))
        except (KeyError, TypeError, ValueError):
            raise ConfigError(f"baseline entry {number} lacks a fingerprint, rule or file", where=path, hint="recreate it with `mtcheck baseline create`") from None
    return Baseline(path, tuple(entries))


@dataclass(frozen=True)
class BaselineOutcome:
    new: tuple[Finding, ...]
    known: tuple[Finding, ...]
    unused: tuple[BaselineEntry, ...]  # entries (count = how many went unmatched) that matched nothing


def apply_baseline(result: RunResult, baseline: Baseline) -> BaselineOutcome:
    remaining = baseline.counts()
    new: list[Finding] = []
    known: list[Finding] = []
    for finding, print_ in zip(result.findings, fingerprints(result, baseline.folder)):
        if remaining[print_] > 0:
            remaining[print_] -= 1
            known.append(finding)
        else:
            new.append(finding)
    unused = []
    for entry in baseline.entries:
        left = min(entry.count, remaining[entry.fingerprint])
        if left > 0:
            unused.append(BaselineEntry(entry.fingerprint, entry.rule, entry.file, entry.text, left))
            remaining[entry.fingerprint] -= left
    return BaselineOutcome(tuple(new), tuple(known), tuple(unused))


def describe_unused(entries: Sequence[BaselineEntry], limit: int = 5) -> list[str]:
    lines = [f"{e.file}: {e.rule} {e.text!r}" + (f" (x{e.count})" if e.count > 1 else "") for e in entries[:limit]]
    if len(entries) > limit:
        lines.append(f"... and {len(entries) - limit} more")
    return lines


def restrict(result: RunResult, findings: Iterable[Finding], extras: Mapping[str, object] | None = None) -> RunResult:
    """`result` with only `findings` (keeps segments, signature, scores)."""
    from dataclasses import replace

    return replace(result, findings=tuple(findings), extras={**result.extras, **(extras or {})})
