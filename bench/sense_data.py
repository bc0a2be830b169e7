"""The labelled sense set (bench/data/sense-dev.tsv) as mtcheck sees it.

Each row is one small document with exactly one occurrence of a trap word marked
``[[...]]`` and a label: ``mistranslation`` (the literal rendering of a name or term)
or ``ordinary`` (the ordinary English word). Shared by bench/sense_gate.py (evaluation)
and bench/fit_sense_gate.py (fitting the gate's calibration).
"""

from __future__ import annotations

import csv
import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from mtcheck.engine import build_context, run_checks
from mtcheck.glossary.loader import Glossary, load_glossaries
from mtcheck.models import Finding, Segment
from mtcheck.options import CheckOptions
from mtcheck.senses import SenseCandidate, SenseDecision

SENSE_SET = Path(__file__).parent / "data" / "sense-dev.tsv"
EXTRA_GLOSSARY = Path(__file__).parent / "data" / "sense-extra.csv"
_MARK = re.compile(r"\[\[(.+?)\]\]")


@dataclass(frozen=True)
class Row:
    id: str
    term: str
    label: str  # mistranslation | ordinary
    domain: str
    split: str  # dev | test
    text: str  # markers removed
    start: int  # the marked occurrence: text[start:end]
    end: int

    @property
    def positive(self) -> bool:
        return self.label == "mistranslation"

    def segment(self) -> Segment:
        return Segment(id="1", target=self.text, file=self.id, line=1)


def load_rows(path: Path = SENSE_SET, split: str | None = None) -> list[Row]:
    rows = []
    with open(path, encoding="utf-8", newline="") as handle:
        for record in csv.DictReader(handle, delimiter="\t"):
            marks = list(_MARK.finditer(record["text"]))
            if len(marks) != 1:
                raise ValueError(f"{path}: row {record['id']} must mark exactly one occurrence with [[...]]")
            mark = marks[0]
            text = record["text"][:mark.start()] + mark.group(1) + record["text"][mark.end():]
            rows.append(Row(
                record["id"], record["term"], record["label"], record["domain"], record["split"],
                text, mark.start(), mark.start() + len(mark.group(1)),
            ))
    return [row for row in rows if split is None or row.split == split]


def bench_glossary(path: str | None = None, bundled_only: bool = False) -> Glossary:
    """The glossary to measure with: `path` alone, the bundled glossaries alone, or (by
    default) the bundled glossaries plus bench/data/sense-extra.csv, which adds the trap
    words the bundled files leave out so that every labelled occurrence reaches the gate."""
    if path:
        return load_glossaries([path], include_default=False)
    return load_glossaries(() if bundled_only else [str(EXTRA_GLOSSARY)], include_default=True)


class _RecordingGate:
    """Stands in for a sense gate and keeps every candidate it is asked about."""

    name = "recorder"
    threshold = None

    def __init__(self):
        self.seen: list[SenseCandidate] = []

    def judge(self, candidates: Sequence[SenseCandidate]) -> list[SenseDecision]:
        self.seen.extend(candidates)
        return [SenseDecision(0.5) for _ in candidates]


def marked_candidates(rows: Iterable[Row], glossary: Glossary) -> dict[str, SenseCandidate]:
    """For each row whose marked occurrence reaches the sense gate, that candidate."""
    recorder = _RecordingGate()
    options = CheckOptions(select=("GL001",), embed=False)
    context = dataclasses.replace(build_context(options, glossary), gate_factory=lambda: recorder)
    rows = list(rows)
    for row in rows:
        run_checks([row.segment()], context=context)
    by_span = {(c.segment.file, c.start, c.end): c for c in recorder.seen}
    return {row.id: by_span[(row.id, row.start, row.end)] for row in rows if (row.id, row.start, row.end) in by_span}


def flagged(rows: Iterable[Row], options: CheckOptions, glossary: Glossary) -> dict[str, Finding | None]:
    """End to end: the GL001 finding on each row's marked occurrence, or None."""
    context = build_context(dataclasses.replace(options, select=("GL001",)), glossary)
    result: dict[str, Finding | None] = {}
    for row in rows:
        findings = run_checks([row.segment()], context=context).findings
        result[row.id] = next((f for f in findings if f.start < row.end and row.start < f.end), None)
    return result
