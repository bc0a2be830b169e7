"""Reference metrics with sacrebleu: BLEU, chrF and TER, for the corpus and per segment,
before and after applying the suggested fixes, so a report shows whether the fixes move
the MT toward the human reference. Every score set carries sacrebleu's signature.

Computed only for segments that have a reference; "after" applies every suggested fix
(safe and unsafe), the same corrected text the markdown/HTML/CSV reports show.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from .models import Finding, Segment

METRICS = ("bleu", "chrf", "ter")
FIXES_APPLIED = "all suggested fixes (safe and unsafe)"


@dataclass(frozen=True)
class Scores:
    bleu: float
    chrf: float
    ter: float

    def as_dict(self) -> dict[str, float]:
        return {name: round(getattr(self, name), 2) for name in METRICS}


def _metric_objects(sentence: bool):
    from sacrebleu.metrics import BLEU, CHRF, TER

    return BLEU(effective_order=sentence), CHRF(), TER()


def corpus_scores(hypotheses: Sequence[str], references: Sequence[str]) -> tuple[Scores, dict[str, str]]:
    """Corpus BLEU, chrF and TER, and the signature of each."""
    bleu, chrf, ter = _metric_objects(sentence=False)
    refs = [list(references)]
    scores = Scores(bleu.corpus_score(list(hypotheses), refs).score, chrf.corpus_score(list(hypotheses), refs).score, ter.corpus_score(list(hypotheses), refs).score)
    signatures = {"bleu": str(bleu.get_signature()), "chrf": str(chrf.get_signature()), "ter": str(ter.get_signature())}
    return scores, signatures


def segment_scores(hypotheses: Sequence[str], references: Sequence[str]) -> list[Scores]:
    """Sentence-level BLEU (effective n-gram order), chrF and TER per pair."""
    bleu, chrf, ter = _metric_objects(sentence=True)
    return [
        Scores(bleu.sentence_score(h, [r]).score, chrf.sentence_score(h, [r]).score, ter.sentence_score(h, [r]).score)
        for h, r in zip(hypotheses, references)
    ]


def fixed_targets(segments: Sequence[Segment], findings: Iterable[Finding]) -> list[str]:
    """Each segment's target with every suggested fix applied."""
    from .fixer import fix_targets

    by_file: dict[str, list[Finding]] = {}
    for finding in findings:
        by_file.setdefault(finding.file, []).append(finding)
    changed: dict[tuple[str, str], str] = {}
    for file in {segment.file for segment in segments}:
        in_file = [segment for segment in segments if segment.file == file]
        for segment_id, text in fix_targets(in_file, by_file.get(file, ()), unsafe=True).items():
            changed[(file, segment_id)] = text
    return [changed.get((segment.file, segment.id), segment.target) for segment in segments]


def _delta(after: Scores, before: Scores) -> dict[str, float]:
    return {name: round(getattr(after, name) - getattr(before, name), 2) for name in METRICS}


def reference_metrics(segments: Sequence[Segment], findings: Sequence[Finding]) -> dict | None:
    """The JSON-ready "metrics" object, or None when no segment has a reference."""
    with_reference = [segment for segment in segments if segment.reference is not None and segment.reference.strip()]
    if not with_reference:
        return None
    references = [segment.reference for segment in with_reference]
    before = [segment.target for segment in with_reference]
    after = fixed_targets(with_reference, findings)
    corpus_before, signatures = corpus_scores(before, references)
    corpus_after, _ = corpus_scores(after, references)
    per_segment = []
    for segment, old, new, fixed in zip(with_reference, segment_scores(before, references), segment_scores(after, references), after):
        row = {"file": segment.file, "segment": segment.id, "before": old.as_dict()}
        row["after"] = new.as_dict() if fixed != segment.target else old.as_dict()
        row["changed"] = fixed != segment.target
        per_segment.append(row)
    return {
        "segments": len(with_reference),
        "changed_segments": sum(row["changed"] for row in per_segment),
        "fixes_applied": FIXES_APPLIED,
        "signatures": signatures,
        "corpus": {"before": corpus_before.as_dict(), "after": corpus_after.as_dict(), "delta": _delta(corpus_after, corpus_before)},
        "per_segment": per_segment,
    }


def summary_lines(metrics: dict) -> list[str]:
    """Terminal lines: corpus scores before -> after and the signatures."""
    corpus = metrics["corpus"]
    lines = [f"reference metrics over {metrics['segments']} segment(s), {metrics['changed_segments']} changed by fixes ({metrics['fixes_applied']}):"]
    for name, label, better in (("bleu", "BLEU", "higher"), ("chrf", "chrF", "higher"), ("ter", "TER", "lower")):
        lines.append(f"  {label:<5} {corpus['before'][name]:6.2f} -> {corpus['after'][name]:6.2f} ({corpus['delta'][name]:+.2f}, {better} is better)")
    for name, label in (("bleu", "BLEU"), ("chrf", "chrF"), ("ter", "TER")):
        lines.append(f"  sacrebleu {label} signature: {metrics['signatures'][name]}")
    return lines
