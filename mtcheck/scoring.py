"""Quality scores in the MQM style: penalty points per 100 words, turned into 0..100."""

from __future__ import annotations

from typing import Iterable, Sequence

from .models import Finding, Segment, SegmentScore, Severity
from .textutil import word_count

WEIGHTS = {Severity.ERROR: 5.0, Severity.WARNING: 1.0, Severity.INFO: 0.1}


def penalty(findings: Iterable[Finding]) -> float:
    """Severity weight times confidence, summed: a 0.6-confidence error costs 3 points."""
    return sum(WEIGHTS[f.severity] * f.confidence for f in findings)


def score_from(penalty_points: float, word_count: int) -> float:
    if word_count <= 0:
        return 100.0 if penalty_points == 0 else 0.0
    return round(max(0.0, 100.0 - 100.0 * penalty_points / word_count), 1)


def segment_scores(segments: Sequence[Segment], findings: Sequence[Finding]) -> tuple[list[SegmentScore], float]:
    # Penalties summed per segment in finding order, as penalty() would; weights are
    # looked up by the severity's value because hashing an Enum member runs Python code.
    weights = {severity.value: weight for severity, weight in WEIGHTS.items()}
    points_by_segment: dict[tuple[str, str], float] = {}
    for finding in findings:
        key = (finding.file, finding.segment)
        points_by_segment[key] = points_by_segment.get(key, 0) + weights[finding.severity.value] * finding.confidence
    scores: list[SegmentScore] = []
    total_penalty = 0.0
    total_words = 0
    for segment in segments:
        count = word_count(segment.target)
        points = points_by_segment.get((segment.file, segment.id), 0)
        total_penalty += points
        total_words += count
        scores.append(SegmentScore(segment.id, score_from(points, count), round(points, 2), count))
    return scores, score_from(total_penalty, total_words)
